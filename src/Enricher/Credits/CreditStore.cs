using ClayBus.Contracts.Credits;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Enricher.Credits;

/// <summary>Credits and Actions held for rows about to be sent.</summary>
/// <param name="Reserved">Whether the budget had room in both meters; nothing is held when it did not.</param>
/// <param name="Credits">Data Credits held now (rows already held by an earlier attempt are not counted twice).</param>
/// <param name="Used">Today's Data Credits reserved + spent after the reservation (before it, when refused).</param>
/// <param name="FirstAlert">This reservation crossed the alert share first today.</param>
/// <param name="FirstExhaustion">This refusal is the first since the budget last had room.</param>
/// <param name="Actions">Actions held now.</param>
/// <param name="Refusal">Which limit refused it.</param>
public sealed record CreditReservation(
    bool Reserved, DateOnly Day, decimal Credits, decimal Used, decimal Limit, bool FirstAlert, bool FirstExhaustion, long Actions = 0, BudgetRefusal Refusal = BudgetRefusal.None);

/// <summary>One callback's charge for one row, as the settlement consumer hands it to the ledger.</summary>
public sealed record RowCharge(Guid JobId, string RowId, string TableKey, decimal DataCredits, long Actions, bool CreditsUnknown = false);

/// <summary>What a settlement did, with the row's reservation (to name an anomaly).</summary>
public sealed record Settlement(SettlementOutcome Outcome, decimal ReservedCredits, long ReservedActions);

/// <summary>
/// The workspace's ledger in Redis in Clay's two meters, owned by the Enricher: every instance reserves a row's worst
/// case (its table's price list) before sending it, by one atomic script per step, so together they never pass a
/// daily or monthly limit of either meter. Callbacks settle each row to its actual charge; rows never sent are released.
/// </summary>
public sealed class CreditStore(RedisKeyspace redis, IOptionsMonitor<BudgetOptions> options, TimeProvider time)
{
    private const decimal Milli = 1000m;

    private static readonly RedisKey LastDayKey = "credits:last-day";

    public BudgetCalendar Calendar => BudgetCalendar.For(options.CurrentValue.TimeZone);

    public DateOnly Today => Calendar.DayOf(time.GetUtcNow());

    public async Task<CreditReservation> ReserveAsync(Guid jobId, string tableKey, IReadOnlyList<string> rowIds, RowPrice price)
    {
        var o = options.CurrentValue;
        var day = Today;
        var reply = await CreditStoreScripts.Reserve.EvaluateAsync(
            redis.Database,
            [("day_hash", DayKey(day)), ("month_hash", MonthKey(day)), ("limits_hash", LimitsKey)],
            [
                ("day", BudgetCalendar.DayKey(day)), ("default_daily", ToMilli(o.DailyLimit)), ("default_monthly", o.MonthlyLimit is { } m ? ToMilli(m) : -1),
                ("milli_per_row", ToMilliCeiling(price.DataCredits)), ("actions_per_row", price.Actions), ("alert_share", o.AlertShare),
                ("row_ttl_s", RowTtlSeconds(o)), ("table_key", tableKey), ("default_actions_daily", o.Actions.DailyLimit ?? -1),
                ("default_actions_monthly", o.Actions.MonthlyLimit ?? -1),
            ],
            rowIds.Select(row => RowKey(jobId, row)));
        var r = (long[])reply!;
        var reserved = r[0] == 1;
        return new CreditReservation(
            reserved, day, reserved ? r[1] / Milli : 0, r[2] / Milli, r[3] / Milli, reserved && r[4] == 1, !reserved && r[4] == 1, reserved ? r[5] : 0, (BudgetRefusal)r[6]);
    }

    /// <summary>Gives back the credits and Actions of rows that were reserved but never sent.</summary>
    public async Task ReleaseAsync(DateOnly day, Guid jobId, IReadOnlyList<string> rowIds)
    {
        if (rowIds.Count == 0)
        {
            return;
        }

        await CreditStoreScripts.Release.EvaluateAsync(
            redis.Database, [("day_hash", DayKey(day)), ("month_hash", MonthKey(day))], [("release_day", BudgetCalendar.DayKey(day))], rowIds.Select(row => RowKey(jobId, row)));
    }

    /// <summary>
    /// Settles a row's reservation to what Clay charged, only when this job reserved the row for this table.
    /// Idempotent per row: a repeat changes nothing.
    /// </summary>
    public async Task<Settlement> SettleAsync(RowCharge charge)
    {
        var o = options.CurrentValue;
        var rowKey = RowKey(charge.JobId, charge.RowId);
        // An amount that does not fit the ledger's integers is absurd whatever the limit: refused, not thrown.
        var milli = charge.DataCredits is > -1_000_000_000 and < 1_000_000_000 ? ToMilli(charge.DataCredits) : long.MaxValue;
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = (string?)await redis.Database.StringGetAsync(rowKey);
            var dayText = current?.Split('|') is [_, var d, ..] ? d : "";
            var day = dayText.Length > 0 ? DateOnly.ParseExact(dayText, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : Today;
            var r = (long[])(await CreditStoreScripts.Settle.EvaluateAsync(
                redis.Database,
                [("row_key", rowKey), ("day_hash", DayKey(day)), ("month_hash", MonthKey(day))],
                [
                    ("read_day", dayText), ("table_key", charge.TableKey), ("actual_milli", milli), ("actual_actions", charge.Actions),
                    ("ttl_s", (long)SettledRowGrace.TotalSeconds), ("credits_unknown", charge.CreditsUnknown ? 1 : 0), ("max_milli", ToMilli(o.MaxChargePerRow)),
                    ("max_actions", PriceLists.MaxActionsPerRow),
                ]))!;
            var result = (SettlementResult)r[0];
            if (result == SettlementResult.Retry)
            {
                continue;
            }

            var outcome = result == SettlementResult.Settled
                ? new SettlementOutcome(result, milli > r[1], charge.Actions > r[2])
                : new SettlementOutcome(result, false, false);
            return new Settlement(outcome, r[1] / Milli, r[2]);
        }

        throw new InvalidOperationException($"row {charge.RowId} of job {charge.JobId} kept changing while its credits were settled");
    }

    public async Task<BudgetStatus> StatusAsync(DateTimeOffset? at = null)
    {
        var o = options.CurrentValue;
        var instant = at ?? time.GetUtcNow();
        var calendar = Calendar;
        var day = calendar.DayOf(instant);
        var dayValues = await redis.Database.HashGetAsync(DayKey(day), ["reserved", "spent", "exhausted", "actions_reserved", "actions_spent"]);
        var monthValues = await redis.Database.HashGetAsync(MonthKey(day), ["reserved", "spent", "actions_reserved", "actions_spent"]);
        var limits = await redis.Database.HashGetAsync(LimitsKey, ["daily", "monthly", "actions_daily", "actions_monthly"]);
        var limit = limits[0].HasValue ? (long)limits[0] / Milli : o.DailyLimit;
        decimal? monthly = limits[1].HasValue ? ((long)limits[1] < 0 ? null : (long)limits[1] / Milli) : o.MonthlyLimit;
        var actionsLimit = Limit(limits[2], o.Actions.DailyLimit);
        var actionsMonthly = Limit(limits[3], o.Actions.MonthlyLimit);
        var reserved = Credits(dayValues[0]);
        var spent = Credits(dayValues[1]);
        var actionsReserved = Whole(dayValues[3]);
        var actionsSpent = Whole(dayValues[4]);
        return new BudgetStatus(
            day,
            calendar.TimeZoneId,
            limit,
            reserved,
            spent,
            Math.Max(0, limit - reserved - spent),
            dayValues[2].HasValue,
            calendar.NextResetAfter(instant),
            monthly,
            Credits(monthValues[1]),
            actionsReserved,
            actionsSpent,
            actionsLimit,
            actionsLimit is { } a ? Math.Max(0, a - actionsReserved - actionsSpent) : null,
            Credits(monthValues[0]),
            actionsMonthly,
            Whole(monthValues[2]),
            Whole(monthValues[3]));
    }

    /// <summary>Sets the limits; a null limit leaves it as it is (−1 removes an optional one).</summary>
    /// <returns>The old daily limit, and whether a budget that was exhausted now has room.</returns>
    public async Task<(decimal OldDailyLimit, bool Freed)> ChangeLimitAsync(decimal dailyLimit, decimal? monthlyLimit, long? actionsDaily = null, long? actionsMonthly = null)
    {
        var o = options.CurrentValue;
        var r = (long[])(await CreditStoreScripts.ChangeLimit.EvaluateAsync(
            redis.Database,
            [("limits_hash", LimitsKey), ("day_hash", DayKey(Today))],
            [
                ("daily", ToMilli(dailyLimit)), ("monthly", monthlyLimit is { } m ? (m < 0 ? -1 : ToMilli(m)) : ""), ("default_daily", ToMilli(o.DailyLimit)),
                ("actions_daily", actionsDaily is { } ad ? Math.Max(-1, ad) : ""), ("actions_monthly", actionsMonthly is { } am ? Math.Max(-1, am) : ""),
                ("default_actions_daily", o.Actions.DailyLimit ?? -1),
            ]))!;
        return (r[0] / Milli, r[2] == 1);
    }

    /// <summary>Marks the start of <paramref name="day"/>; true for exactly one caller across every instance.</summary>
    public Task<bool> TryMarkDayStartedAsync(DateOnly day) => redis.Database.HashSetAsync(DayKey(day), "reset", "1", When.NotExists);

    /// <summary>Gives the start of <paramref name="day"/> back (its reset could not be published): the next claim wins.</summary>
    public Task UnmarkDayStartedAsync(DateOnly day) => redis.Database.HashDeleteAsync(DayKey(day), "reset");

    /// <summary>The last day whose start an instance claimed (<c>credits:last-day</c>); null before the first.</summary>
    public async Task<DateOnly?> LastStartedDayAsync() =>
        await redis.Database.StringGetAsync(LastDayKey) is { HasValue: true } day ? DateOnly.ParseExact(day.ToString(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : null;

    public Task RecordDayStartedAsync(DateOnly day) => redis.Database.StringSetAsync(LastDayKey, BudgetCalendar.DayKey(day));

    /// <summary>Whether a reservation would fit today in both meters (used to decide when to resume).</summary>
    public async Task<bool> HasRoomForAsync(decimal credits, long actions = 0)
    {
        var status = await StatusAsync();
        var monthOk = status.MonthlyLimit is not { } m || (status.MonthSpent ?? 0) + (status.MonthReserved ?? 0) + credits <= m;
        var actionsOk = status.ActionsRemaining is not { } left || left >= actions;
        var actionsMonthOk = status.ActionsMonthlyLimit is not { } am || (status.ActionsMonthReserved ?? 0) + (status.ActionsMonthSpent ?? 0) + actions <= am;
        return status.Remaining >= credits && monthOk && actionsOk && actionsMonthOk;
    }

    // A settled row only has to outlive repeats of its RowEnriched (redeliveries, a Monitor republishing an
    // unconfirmed event), which come within minutes; keeping it for the reservation's days cost ~250 bytes a row.
    private static readonly TimeSpan SettledRowGrace = TimeSpan.FromDays(1);

    private static RedisKey LimitsKey => "credits:limits";

    private static RedisKey DayKey(DateOnly day) => $"credits:day:{BudgetCalendar.DayKey(day)}";

    private static RedisKey MonthKey(DateOnly day) => $"credits:month:{BudgetCalendar.MonthKey(day)}";

    private static RedisKey RowKey(Guid jobId, string rowId) => $"credits:row:{jobId:N}:{rowId}";

    private static long RowTtlSeconds(BudgetOptions o) => (long)TimeSpan.FromDays(o.ReservationDays).TotalSeconds;

    private static long ToMilli(decimal credits) => (long)decimal.Round(credits * Milli, MidpointRounding.AwayFromZero);

    private static long ToMilliCeiling(decimal credits) => (long)decimal.Ceiling(credits * Milli);

    private static decimal Credits(RedisValue milli) => milli.HasValue ? (long)milli / Milli : 0;

    private static long Whole(RedisValue value) => value.HasValue ? (long)value : 0;

    private static long? Limit(RedisValue stored, long? configured) => stored.HasValue ? ((long)stored < 0 ? null : (long)stored) : configured;
}
