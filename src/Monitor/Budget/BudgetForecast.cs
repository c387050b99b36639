namespace ClayBus.Monitor.Budget;

/// <summary>One reading of a meter: what is used (reserved + spent) today at an instant.</summary>
public readonly record struct BurnSample(DateTimeOffset At, decimal Used);

/// <summary>Where a forecast says the day ends: the limit is already reached, is reached before the reset, or not today.</summary>
public static class ForecastOutlook
{
    public const string Unknown = "unknown";
    public const string Reached = "reached";
    public const string Today = "today";
    public const string NotToday = "not today";
}

/// <summary>How the burn rate is measured: over the window, recent burn weighs most, and no rise for a while is zero.</summary>
/// <param name="HalfLife">An interval's weight halves with every half-life of age, so a finished job's burn fades.</param>
/// <param name="IdleAfter">No rise for this long: nothing is being delivered, the rate is zero.</param>
public sealed record BurnRateRules(TimeSpan Window, TimeSpan HalfLife, TimeSpan IdleAfter);

/// <summary>
/// The forecast of one meter (credits today, or Actions) against its daily limit. The dashboard's dashed line is
/// <see cref="Projection"/>, so the chart and the text say the same thing from the same numbers.
/// </summary>
/// <param name="PerHour">The decayed recent burn rate (zero when nothing is pending); null while there are fewer than two samples.</param>
/// <param name="Outlook">One of <see cref="ForecastOutlook"/>.</param>
/// <param name="LimitReachedAt">When the limit is reached, only when that is before the reset (or now, when reached).</param>
/// <param name="ProjectedAtReset">What is used at the reset at this rate (never above the limit: the ledger stops there).</param>
/// <param name="Projection">From (now, used) to (the limit's instant or the reset, the projected use).</param>
public sealed record BudgetForecast(
    decimal? PerHour,
    string Outlook,
    DateTimeOffset? LimitReachedAt,
    decimal? ProjectedAtReset,
    DateTimeOffset NextResetAt,
    int Samples,
    IReadOnlyList<BurnSample> Projection)
{
    public static BudgetForecast From(
        IEnumerable<BurnSample> samples,
        decimal limit,
        decimal used,
        DateTimeOffset now,
        DateTimeOffset nextReset,
        BurnRateRules rules,
        bool nothingPending = false)
    {
        var recent = samples.Where(s => s.At > now - rules.Window && s.At <= now).OrderBy(s => s.At).ToList();
        // Nothing reserved and no open job: nothing can burn, whatever the recent samples say.
        var rate = nothingPending ? 0m : Rate(recent, now, rules);
        if (limit - used <= 0)
        {
            return new BudgetForecast(rate, ForecastOutlook.Reached, now, limit, nextReset, recent.Count, [new BurnSample(now, used), new BurnSample(nextReset, used)]);
        }

        if (rate is null)
        {
            return new BudgetForecast(null, ForecastOutlook.Unknown, null, null, nextReset, recent.Count, []);
        }

        var hoursToReset = (decimal)Math.Max(0, (nextReset - now).TotalHours);
        var projected = used + (rate.Value * hoursToReset);
        if (projected < limit)
        {
            return new BudgetForecast(rate, ForecastOutlook.NotToday, null, projected, nextReset, recent.Count, [new BurnSample(now, used), new BurnSample(nextReset, projected)]);
        }

        // To the second: decimal division leaves a tick short of the instant a person computes by hand.
        var reachedAt = now + TimeSpan.FromSeconds((double)decimal.Round((limit - used) / rate.Value * 3600m, 0));
        return new BudgetForecast(rate, ForecastOutlook.Today, reachedAt, limit, nextReset, recent.Count, [new BurnSample(now, used), new BurnSample(reachedAt, limit)]);
    }

    /// <summary>
    /// A weighted mean of the intervals' rates, each interval weighted by its length and by 2^(-age / half-life); the
    /// stretch from the last sample to now counts as an interval with no rise. A fall (reservations settling lower)
    /// is kept in the mean, and the result is never below zero.
    /// </summary>
    public static decimal? Rate(IReadOnlyList<BurnSample> recent, DateTimeOffset now, BurnRateRules rules)
    {
        if (recent.Count < 2 || recent[^1].At <= recent[0].At)
        {
            return null;
        }

        var lastRise = LastRise(recent);
        if (lastRise is null || now - lastRise.Value >= rules.IdleAfter)
        {
            return 0m;
        }

        double rise = 0, hours = 0;
        for (var i = 1; i <= recent.Count; i++)
        {
            var from = recent[i - 1];
            var to = i < recent.Count ? recent[i] : new BurnSample(now, from.Used);
            var length = (to.At - from.At).TotalHours;
            if (length <= 0)
            {
                continue;
            }

            var age = (now - (from.At + ((to.At - from.At) / 2))).TotalHours;
            var weight = Math.Pow(2, -age / rules.HalfLife.TotalHours);
            rise += weight * (double)(to.Used - from.Used);
            hours += weight * length;
        }

        return hours <= 0 ? 0m : Math.Max(0m, decimal.Round((decimal)(rise / hours), 2));
    }

    private static DateTimeOffset? LastRise(IReadOnlyList<BurnSample> recent)
    {
        for (var i = recent.Count - 1; i > 0; i--)
        {
            if (recent[i].Used > recent[i - 1].Used)
            {
                return recent[i].At;
            }
        }

        return null;
    }
}
