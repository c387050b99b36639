using ClayBus.Enricher.Credits;
using ClayBus.Enricher.Idempotency;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.Enricher.Tests.Credits;

/// <summary>
/// The Lua executes the plain decisions: the same cases through <see cref="ReservationDecision"/>,
/// <see cref="SettlementDecision"/> and <see cref="ResendDecision"/> and through the scripts on the real Redis agree.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LedgerParitySpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private static int _case;

    // Milli-credits and Actions: (credits day used, day limit, month used, month limit; actions the same; needs).
    public static TheoryData<long[]> Reservations => new()
    {
        new long[] { 0, 10_000, 0, -1, 0, -1, 0, -1, 5_000, 6 },
        new long[] { 5_000, 10_000, 5_000, -1, 0, -1, 0, -1, 5_000, 6 },
        new long[] { 5_001, 10_000, 5_001, -1, 0, -1, 0, -1, 5_000, 6 },
        new long[] { 0, 10_000, 95_000, 100_000, 0, -1, 0, -1, 5_000, 6 },
        new long[] { 0, 10_000, 96_000, 100_000, 0, -1, 0, -1, 5_000, 6 },
        new long[] { 0, 10_000, 0, -1, 94, 100, 94, -1, 5_000, 6 },
        new long[] { 0, 10_000, 0, -1, 95, 100, 95, -1, 5_000, 6 },
        new long[] { 0, 10_000, 0, -1, 0, 100, 395, 400, 5_000, 6 },
        new long[] { 0, 10_000, 0, -1, 0, 100, 394, 400, 5_000, 6 },
        new long[] { 10_000, 10_000, 10_000, 10_000, 100, 100, 100, 100, 0, 0 },
    };

    [Theory]
    [MemberData(nameof(Reservations))]
    public async Task Should_refuse_exactly_what_the_reservation_decision_refuses(long[] c)
    {
        // A year of its own per case: the day's and month's totals of one case never meet another's.
        var time = new FakeTimeProvider(new DateTimeOffset(2100 + Interlocked.Increment(ref _case), 6, 15, 12, 0, 0, TimeSpan.Zero));
        var options = new BudgetOptions
        {
            DailyLimit = c[1] / 1000m,
            MonthlyLimit = c[3] < 0 ? null : c[3] / 1000m,
            Actions = new ActionsBudgetOptions { DailyLimit = c[5] < 0 ? null : c[5], MonthlyLimit = c[7] < 0 ? null : c[7] },
        };
        var redis = await Keyspaces.ConnectAsync(infrastructure);
        var ledger = new CreditStore(redis, new TestOptionsMonitor<BudgetOptions>(options), time);
        var day = ledger.Today;
        await redis.Database.HashSetAsync($"credits:day:{BudgetCalendar.DayKey(day)}", [new("reserved", c[0]), new("actions_reserved", c[4])]);
        await redis.Database.HashSetAsync($"credits:month:{BudgetCalendar.MonthKey(day)}", [new("reserved", c[2]), new("actions_reserved", c[6])]);

        var expected = ReservationDecision.Decide(new MeterUse(c[0], c[1], c[2], c[3]), c[8], new MeterUse(c[4], c[5], c[6], c[7]), c[9]);
        var reservation = await ledger.ReserveAsync(Guid.NewGuid(), "t", ["row"], new RowPrice(c[8] / 1000m, (int)c[9]));

        Assert.Equal(expected, reservation.Refusal);
        Assert.Equal(expected == BudgetRefusal.None, reservation.Reserved);
    }

    public static TheoryData<string?, string, double, long, bool> Settlements => new()
    {
        { null, "t", 2, 1, false },
        { "r|{day}|5000|4|t", "t", 2, 2, false },
        { "r|{day}|5000|4|t", "t", 5, 4, false },
        { "r|{day}|5000|4|t", "t", 7.5, 4, false },
        { "r|{day}|5000|4|t", "t", 2, 9, false },
        { "r|{day}|5000|4|t", "other", 2, 2, false },
        { "r|{day}|5000|4|t", "t", -1, 2, false },
        { "r|{day}|5000|4|t", "t", 40_000, 2, false },
        { "r|{day}|5000|4|t", "t", 2, -3, false },
        { "r|{day}|5000|4|t", "t", 0, 0, true },
        { "s|{day}|2000|2|t", "t", 2, 2, false },
        { "r|{day}|6000", "any", 2.5, 2, false },
    };

    [Theory]
    [MemberData(nameof(Settlements))]
    public async Task Should_settle_exactly_as_the_settlement_decision_says(string? stored, string table, double credits, long actions, bool creditsUnknown)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2031, 7, 1 + Random.Shared.Next(0, 28), 12, 0, 0, TimeSpan.Zero));
        var redis = await Keyspaces.ConnectAsync(infrastructure);
        var ledger = new CreditStore(redis, new TestOptionsMonitor<BudgetOptions>(new BudgetOptions { DailyLimit = 1000 }), time);
        var job = Guid.NewGuid();
        var value = stored?.Replace("{day}", BudgetCalendar.DayKey(ledger.Today), StringComparison.Ordinal);
        if (value is not null)
        {
            await redis.Database.StringSetAsync($"credits:row:{job:N}:row", value);
        }

        var expected = SettlementDecision.Decide(Parse(value), table, (long)(credits * 1000), actions, creditsUnknown, 1_000_000, PriceLists.MaxActionsPerRow);
        var settlement = await ledger.SettleAsync(new RowCharge(job, "row", table, (decimal)credits, actions, creditsUnknown));

        Assert.Equal(expected, settlement.Outcome);
    }

    public static TheoryData<string?, ClaimCode> Claims => new()
    {
        { null, ClaimCode.Claimed },
        { "sent", ClaimCode.Sent },
        { "sending|other|{future}", ClaimCode.Busy },
        { "sending|other|0", ClaimCode.Claimed },
        { "sending|me|{future}", ClaimCode.Claimed },
        { "unknown|other|{future}", ClaimCode.Waiting },
        { "unknown|other|0", ClaimCode.Claimed },
        { "unknown|proved|{future}", ClaimCode.Sent },
        { "unknown|proved|0", ClaimCode.Sent },
        { "sending|proved|0", ClaimCode.Sent },
        { "garbage", ClaimCode.Claimed },
    };

    [Theory]
    [MemberData(nameof(Claims))]
    public async Task Should_claim_exactly_as_the_resend_decision_says(string? stored, ClaimCode listed)
    {
        var redis = await Keyspaces.ConnectAsync(infrastructure);
        var claims = new RowClaims(redis);
        var job = Guid.NewGuid();
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var value = stored?.Replace("{future}", (now + 3_600_000).ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        await Seed(redis, job, value);

        var (expected, _) = ResendDecision.Decide(value, "me", now, owner => owner == "proved");
        var claim = await claims.ClaimAsync(job, "me", ["row"], TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));
        var actual = claim.Claimed.Count == 1 ? ClaimCode.Claimed
            : claim.AlreadySent.Count == 1 ? ClaimCode.Sent
            : claim.Busy.Count == 1 ? ClaimCode.Busy
            : ClaimCode.Waiting;

        Assert.Equal(listed, expected);
        Assert.Equal(expected, actual);
    }

    private static async Task Seed(RedisKeyspace redis, Guid job, string? value)
    {
        await redis.Database.HashSetAsync($"delivery:job:{job:N}", "proof|proved", "1");
        if (value is not null)
        {
            await redis.Database.HashSetAsync($"delivery:job:{job:N}", "row", value);
        }
    }

    private static ReservedRow? Parse(string? value) =>
        value?.Split('|') switch
        {
            [var s, var d, var m, var a, var t] => new ReservedRow(s[0], d, long.Parse(m, System.Globalization.CultureInfo.InvariantCulture), long.Parse(a, System.Globalization.CultureInfo.InvariantCulture), t),
            [var s, var d, var m] => new ReservedRow(s[0], d, long.Parse(m, System.Globalization.CultureInfo.InvariantCulture), 0, ""),
            _ => null,
        };
}
