using ClayBus.Contracts.Credits;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Enricher.Credits;

/// <summary>Credits held for rows about to be sent.</summary>
/// <param name="Reserved">Whether the budget had room; nothing is held when it did not.</param>
/// <param name="Credits">Credits held now (rows already held by an earlier attempt are not counted twice).</param>
/// <param name="Used">Today's reserved + spent after the reservation (before it, when refused).</param>
/// <param name="FirstAlert">This reservation crossed the alert share first today.</param>
/// <param name="FirstExhaustion">This refusal is the first since the budget last had room.</param>
public sealed record CreditReservation(bool Reserved, DateOnly Day, decimal Credits, decimal Used, decimal Limit, bool FirstAlert, bool FirstExhaustion);

/// <summary>
/// The workspace's credit ledger in Redis, owned by the Enricher: every instance reserves a row's estimated credits
/// before sending it, by one atomic script per step, so together they never pass the day's (or month's) limit.
/// Callbacks settle each row to its actual credits; rows never sent are released.
/// </summary>
public sealed class CreditLedger(RedisKeyspace redis, IOptionsMonitor<BudgetOptions> options, TimeProvider time)
{
    private const decimal Milli = 1000m;

    public BudgetCalendar Calendar => BudgetCalendar.For(options.CurrentValue.TimeZone);

    public DateOnly Today => Calendar.DayOf(time.GetUtcNow());

    public async Task<CreditReservation> ReserveAsync(Guid jobId, IReadOnlyList<string> rowIds, decimal creditsPerRow)
    {
        var o = options.CurrentValue;
        var day = Today;
        var keys = new RedisKey[rowIds.Count + 3];
        keys[0] = DayKey(day);
        keys[1] = MonthKey(day);
        keys[2] = LimitsKey;
        for (var i = 0; i < rowIds.Count; i++)
        {
            keys[i + 3] = RowKey(jobId, rowIds[i]);
        }

        var r = (long[])(await redis.Database.ScriptEvaluateAsync(
            CreditLedgerScripts.Reserve,
            keys,
            [BudgetCalendar.DayKey(day), ToMilli(o.DailyLimit), o.MonthlyLimit is { } m ? ToMilli(m) : -1, ToMilliCeiling(creditsPerRow), o.AlertShare, RowTtlSeconds(o)]))!;
        var reserved = r[0] == 1;
        return new CreditReservation(reserved, day, reserved ? r[1] / Milli : 0, r[2] / Milli, r[3] / Milli, reserved && r[4] == 1, !reserved && r[4] == 1);
    }

    /// <summary>Gives back the credits of rows that were reserved but never sent.</summary>
    public async Task ReleaseAsync(DateOnly day, Guid jobId, IReadOnlyList<string> rowIds)
    {
        if (rowIds.Count == 0)
        {
            return;
        }

        var keys = new RedisKey[rowIds.Count + 2];
        keys[0] = DayKey(day);
        keys[1] = MonthKey(day);
        for (var i = 0; i < rowIds.Count; i++)
        {
            keys[i + 2] = RowKey(jobId, rowIds[i]);
        }

        await redis.Database.ScriptEvaluateAsync(CreditLedgerScripts.Release, keys, [BudgetCalendar.DayKey(day)]);
    }

    /// <summary>Settles a row's reservation to what Clay actually charged. Idempotent per row: a repeat changes nothing.</summary>
    /// <returns>True when this call settled the row, false when it was settled before.</returns>
    public async Task<bool> SettleAsync(Guid jobId, string rowId, decimal actualCredits)
    {
        var o = options.CurrentValue;
        var rowKey = RowKey(jobId, rowId);
        for (var attempt = 0; attempt < 5; attempt++)
        {
            var current = (string?)await redis.Database.StringGetAsync(rowKey);
            // A callback for a row this ledger never reserved (e.g. reserved before the ledger was reset) counts today.
            var dayText = current?.Split('|') is [_, var d, _] ? d : "";
            var day = dayText.Length > 0 ? DateOnly.ParseExact(dayText, "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : Today;
            var result = (long)await redis.Database.ScriptEvaluateAsync(
                CreditLedgerScripts.Settle,
                [rowKey, DayKey(day), MonthKey(day)],
                [dayText, ToMilli(actualCredits), RowTtlSeconds(o)]);
            if (result >= 0)
            {
                return result == 1;
            }
        }

        throw new InvalidOperationException($"row {rowId} of job {jobId} kept changing while its credits were settled");
    }

    public async Task<BudgetStatus> StatusAsync(DateTimeOffset? at = null)
    {
        var o = options.CurrentValue;
        var instant = at ?? time.GetUtcNow();
        var calendar = Calendar;
        var day = calendar.DayOf(instant);
        var dayValues = await redis.Database.HashGetAsync(DayKey(day), ["reserved", "spent", "exhausted"]);
        var monthValues = await redis.Database.HashGetAsync(MonthKey(day), ["reserved", "spent"]);
        var limits = await redis.Database.HashGetAsync(LimitsKey, ["daily", "monthly"]);
        var limit = limits[0].HasValue ? (long)limits[0] / Milli : o.DailyLimit;
        decimal? monthly = limits[1].HasValue ? ((long)limits[1] < 0 ? null : (long)limits[1] / Milli) : o.MonthlyLimit;
        var reserved = Credits(dayValues[0]);
        var spent = Credits(dayValues[1]);
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
            Credits(monthValues[1]));
    }

    /// <summary>Sets the limits; <paramref name="monthlyLimit"/> null leaves the monthly limit as it is.</summary>
    /// <returns>The old daily limit, and whether a budget that was exhausted now has room.</returns>
    public async Task<(decimal OldDailyLimit, bool Freed)> ChangeLimitAsync(decimal dailyLimit, decimal? monthlyLimit)
    {
        var r = (long[])(await redis.Database.ScriptEvaluateAsync(
            CreditLedgerScripts.ChangeLimit,
            [LimitsKey, DayKey(Today)],
            [ToMilli(dailyLimit), monthlyLimit is { } m ? ToMilli(m) : "", ToMilli(options.CurrentValue.DailyLimit)]))!;
        return (r[0] / Milli, r[2] == 1);
    }

    /// <summary>Marks the start of <paramref name="day"/>; true for exactly one caller across every instance.</summary>
    public Task<bool> TryMarkDayStartedAsync(DateOnly day) => redis.Database.HashSetAsync(DayKey(day), "reset", "1", When.NotExists);

    /// <summary>Whether a reservation of <paramref name="credits"/> would fit today (used to decide when to resume).</summary>
    public async Task<bool> HasRoomForAsync(decimal credits)
    {
        var status = await StatusAsync();
        var monthOk = status.MonthlyLimit is not { } m || (status.MonthSpent ?? 0) + credits <= m;
        return status.Remaining >= credits && monthOk;
    }

    private static RedisKey LimitsKey => "credits:limits";

    private static RedisKey DayKey(DateOnly day) => $"credits:day:{BudgetCalendar.DayKey(day)}";

    private static RedisKey MonthKey(DateOnly day) => $"credits:month:{BudgetCalendar.MonthKey(day)}";

    private static RedisKey RowKey(Guid jobId, string rowId) => $"credits:row:{jobId:N}:{rowId}";

    private static long RowTtlSeconds(BudgetOptions o) => (long)TimeSpan.FromDays(o.ReservationDays).TotalSeconds;

    private static long ToMilli(decimal credits) => (long)decimal.Round(credits * Milli, MidpointRounding.AwayFromZero);

    private static long ToMilliCeiling(decimal credits) => (long)decimal.Ceiling(credits * Milli);

    private static decimal Credits(RedisValue milli) => milli.HasValue ? (long)milli / Milli : 0;
}
