using System.Globalization;
using ClayBus.Contracts.Submission;
using ClayBus.Enricher.RateLimiting;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using StackExchange.Redis;

namespace ClayBus.Enricher.Tests.RateLimiting;

/// <summary>
/// The Lua executes the plain decisions: each case seeds the bucket relative to Redis's clock, runs the script, and
/// runs <see cref="ClassGrantDecision"/> and <see cref="BackoffDecision"/> on the same state at the "now" the script
/// reports, so the two must agree to the microsecond, in the reply and in what is stored.
/// </summary>
[Trait("Category", "Integration")]
public sealed class LimiterParitySpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private static readonly RateLimitOptions Options = new();

    // Offsets in µs from Redis's now before the call; null: the field is not stored. Class: "" for none.
    public static TheoryData<int, string, long?, double?, long?, long?, bool> Grants => new()
    {
        { 1, "", null, null, null, null, true },
        { 17, "High", null, null, null, null, true },
        { 17, "High", 10_000_000, null, null, null, true },
        { 17, "High", 40_000_000, null, null, null, false },
        { 17, "", -10_000_000, null, null, null, true },
        { 17, "Low", 2_000_000, null, null, -1_000_000, false },
        { 17, "Low", 150_000, null, null, -1_000_000, true },
        { 17, "Low", 20_000_000, null, null, null, true },
        { 17, "Low", 20_000_000, null, null, -60_000_000, true },
        { 17, "Normal", 20_000_000, null, null, -1_000_000, false },
        { 5, "Normal", 300_000, null, null, -1_000_000, true },
        { 17, "High", 1_000_000, 3.0, -5_000_000, null, true },
        { 17, "High", 1_000_000, 0.5, 0, null, true },
        { 3, "Low", 5_000_000, 4.25, -2_500_000, -500_000, false },
    };

    [Theory]
    [MemberData(nameof(Grants))]
    public async Task Should_grant_exactly_as_the_class_grant_decision_says(int permits, string className, long? tat, double? rate, long? rateAt, long? lastGrant, bool reserved)
    {
        var redis = await Keyspaces.ConnectAsync(infrastructure);
        RedisKey key = $"ratelimit:parity-{Guid.NewGuid():N}";
        var before = await RedisNowAsync(redis);
        var seeded = new BucketState(before + tat, rate, before + rateAt, null);
        var last = before + lastGrant;
        await Seed(redis, key, seeded, className, last);
        var terms = Enum.TryParse<JobPriority>(className, out var priority)
            ? ClassGrantDecision.TermsOf(priority, Options, permits, Options.SustainedRecordsPerSecond)
            : new ClassTerms(Options.MaxReserveAheadSeconds * 1_000_000L, 0);

        var reply = await SharedRateScripts.ReserveAsync(redis.Database, key, permits, Options, terms, className);
        var now = reply[3];
        var currentRate = BackoffDecision.RateAt(now, seeded, RateTerms.Of(Options));
        var expected = ClassGrantDecision.Decide(new GrantAsk(
            now, seeded.Tat ?? now, 1_000_000 / currentRate, Options.EffectiveBurst, permits, terms, last, Options.MaxReserveAheadSeconds * 1_000_000L));
        var stored = await redis.Database.HashGetAsync(key, ["tat", $"granted:{className}"]);

        Assert.Equal(reserved, expected.Reserved);
        Assert.Equal(new long[] { expected.Reserved ? 1 : 0, expected.Wait, (long)Math.Floor(currentRate * 1000) }, reply[..3]);
        Assert.Equal(expected.Reserved ? expected.NewTat : seeded.Tat, Number(stored[0]));
        Assert.Equal(expected.Reserved && className != "" ? now : last, (long?)Number(stored[1]));
    }

    // Retry-After µs; offsets in µs from Redis's now; decreased: whether the rate is cut.
    public static TheoryData<long, long?, double?, long?, long?, bool> Backoffs => new()
    {
        { 1_000_000, null, null, null, null, true },
        { 1_000_000, 2_000_000, 8.0, -5_000_000, -5_000_000, true },
        { 1_000_000, 2_000_000, 8.0, -500_000, -500_000, false },
        { 5_000_000, null, 6.0, -3_000_000, -3_000_000, false },
        { 2_000_000, null, 6.0, -30_000_000, -30_000_000, true },
        { 1_000_000, 60_000_000, null, null, null, true },
        { 1_000_000, null, 1.05, -2_000_000, -2_000_000, true },
        { 0, -1_000_000, 9.0, -1_500_000, -1_500_000, true },
    };

    [Theory]
    [MemberData(nameof(Backoffs))]
    public async Task Should_back_off_exactly_as_the_backoff_decision_says(long retryAfter, long? tat, double? rate, long? rateAt, long? decreasedAt, bool decreased)
    {
        var redis = await Keyspaces.ConnectAsync(infrastructure);
        RedisKey key = $"ratelimit:parity-{Guid.NewGuid():N}";
        var before = await RedisNowAsync(redis);
        var seeded = new BucketState(before + tat, rate, before + rateAt, before + decreasedAt);
        await Seed(redis, key, seeded, "", null);

        var reply = await SharedRateScripts.BackoffAsync(redis.Database, key, TimeSpan.FromMicroseconds(retryAfter), Options);
        var now = reply[1];
        var expected = BackoffDecision.Decide(now, retryAfter, seeded, RateTerms.Of(Options));
        var stored = await redis.Database.HashGetAsync(key, ["tat", "rate", "rate_at", "dec_at"]);

        Assert.Equal(decreased, expected.Decreased);
        Assert.Equal((long)Math.Floor(expected.Rate * 1000), reply[0]);
        Assert.Equal(expected.NewTat ?? seeded.Tat, Number(stored[0]));
        Assert.Equal(expected.Decreased ? expected.Rate : seeded.Rate, Number(stored[1]));
        Assert.Equal(expected.Decreased ? now : seeded.RateAt, (long?)Number(stored[2]));
        Assert.Equal(expected.Decreased ? now : seeded.DecreasedAt, (long?)Number(stored[3]));
    }

    private static async Task<long> RedisNowAsync(RedisKeyspace redis)
    {
        var time = (RedisResult[])(await redis.Database.ExecuteAsync("TIME"))!;
        return (long.Parse((string)time[0]!, CultureInfo.InvariantCulture) * 1_000_000) + long.Parse((string)time[1]!, CultureInfo.InvariantCulture);
    }

    private static async Task Seed(RedisKeyspace redis, RedisKey key, BucketState state, string className, long? lastGrant)
    {
        var fields = new List<HashEntry>();
        void Add(string name, double? value)
        {
            if (value is { } v)
            {
                fields.Add(new HashEntry(name, v.ToString("R", CultureInfo.InvariantCulture)));
            }
        }

        Add("tat", state.Tat);
        Add("rate", state.Rate);
        Add("rate_at", state.RateAt);
        Add("dec_at", state.DecreasedAt);
        Add($"granted:{className}", lastGrant);
        if (fields.Count > 0)
        {
            await redis.Database.HashSetAsync(key, [.. fields]);
        }
    }

    private static double? Number(RedisValue value) => value.IsNull ? null : double.Parse((string)value!, CultureInfo.InvariantCulture);
}
