using System.Globalization;
using System.Text.Json;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Monitor.Budget;

/// <summary>
/// What the Monitor keeps about the budget, in Redis so every instance shows the same: <c>budget:view</c> (the day as
/// seen through the ledger's events, JSON), <c>budget:burn:{day}</c> and <c>budget:burn-actions:{day}</c> (sorted sets
/// of the credit and Actions meters' samples for the forecasts, kept two days) and <c>budget:audit</c> (list of limit changes, newest first).
/// </summary>
public sealed class BudgetViewStore(RedisKeyspace redis, IOptions<BudgetViewOptions> options, TimeProvider clock)
{
    private const string ViewKey = "budget:view";
    private const string AuditKey = "budget:audit";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private IDatabase Database => redis.Database;

    public DateOnly Today => BudgetDay.Of(clock.GetUtcNow(), options.Value.Zone);

    public async Task<BudgetDayView> ViewAsync()
    {
        var stored = await Database.StringGetAsync(ViewKey);
        var view = stored.HasValue ? JsonSerializer.Deserialize<BudgetDayView>(stored.ToString(), Json)! : BudgetDayView.Fresh(Today);
        return view.AsOf(Today);
    }

    /// <summary>Read-modify-write with a compare-and-set, so two instances consuming budget events never lose one.</summary>
    public async Task<BudgetDayView> UpdateAsync(Func<BudgetDayView, BudgetDayView> change)
    {
        for (var attempt = 0; ; attempt++)
        {
            var stored = await Database.StringGetAsync(ViewKey);
            var current = stored.HasValue ? JsonSerializer.Deserialize<BudgetDayView>(stored.ToString(), Json)! : BudgetDayView.Fresh(Today);
            var next = change(current.AsOf(Today));
            var transaction = Database.CreateTransaction();
            transaction.AddCondition(stored.HasValue ? Condition.StringEqual(ViewKey, stored) : Condition.KeyNotExists(ViewKey));
            _ = transaction.StringSetAsync(ViewKey, JsonSerializer.Serialize(next, Json));
            if (await transaction.ExecuteAsync() || attempt >= 10)
            {
                return next;
            }
        }
    }

    public async Task AddSampleAsync(DateOnly day, BurnSample sample, BurnMeter meter = BurnMeter.Credits)
    {
        var key = BurnKey(day, meter);
        var at = sample.At.ToUnixTimeMilliseconds();
        await Database.SortedSetAddAsync(key, $"{at}:{sample.Used.ToString(CultureInfo.InvariantCulture)}", at);
        await Database.SortedSetRemoveRangeByScoreAsync(key, double.NegativeInfinity, at - (long)TimeSpan.FromMinutes(options.Value.ForecastWindowMinutes).TotalMilliseconds, Exclude.Stop);
        await Database.KeyExpireAsync(key, TimeSpan.FromDays(2));
    }

    public async Task<IReadOnlyList<BurnSample>> SamplesAsync(DateOnly day, BurnMeter meter = BurnMeter.Credits) =>
        (await Database.SortedSetRangeByRankAsync(BurnKey(day, meter)))
            .Select(member => member.ToString().Split(':'))
            .Select(parts => new BurnSample(
                DateTimeOffset.FromUnixTimeMilliseconds(long.Parse(parts[0], CultureInfo.InvariantCulture)),
                decimal.Parse(parts[1], CultureInfo.InvariantCulture)))
            .ToList();

    public async Task AppendAuditAsync(BudgetAuditEntry entry)
    {
        await Database.ListLeftPushAsync(AuditKey, JsonSerializer.Serialize(entry, Json));
        await Database.ListTrimAsync(AuditKey, 0, options.Value.AuditEntries - 1);
    }

    public async Task<IReadOnlyList<BudgetAuditEntry>> AuditAsync(int take) =>
        (await Database.ListRangeAsync(AuditKey, 0, take - 1))
            .Select(value => JsonSerializer.Deserialize<BudgetAuditEntry>(value.ToString(), Json)!)
            .ToList();

    private static string BurnKey(DateOnly day, BurnMeter meter) =>
        (meter == BurnMeter.Credits ? "budget:burn:" : "budget:burn-actions:") + day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}

/// <summary>Clay's two meters, each with its own samples and forecast.</summary>
public enum BurnMeter
{
    Credits,
    Actions,
}

/// <summary>
/// One line of the limit's audit trail. <see cref="Kind"/> is <c>requested</c> (an operator asked, through the API)
/// or <c>applied</c> (the ledger confirmed with BudgetLimitChanged).
/// </summary>
public sealed record BudgetAuditEntry(
    string Kind,
    string RequestedBy,
    DateTimeOffset At,
    decimal? Before,
    decimal After,
    decimal? MonthlyLimit);
