namespace ClayBus.Monitor.Budget;

/// <summary>One reading of the ledger: credits used (reserved + spent) today at an instant.</summary>
public readonly record struct BurnSample(DateTimeOffset At, decimal Used);

/// <summary>When today's budget runs out at the recent burn rate.</summary>
/// <param name="CreditsPerHour">Null while there are too few samples to measure a rate.</param>
/// <param name="ExhaustsAt">When the remaining credits are gone at that rate; null if the rate is zero or nothing remains to measure.</param>
/// <param name="BeforeReset">True when <see cref="ExhaustsAt"/> comes before the next reset: today's work will pause.</param>
public sealed record BudgetForecast(decimal? CreditsPerHour, DateTimeOffset? ExhaustsAt, bool BeforeReset, int Samples, TimeSpan Window)
{
    /// <summary>
    /// The rate is the rise between the first and the last sample inside the window (used only grows within a day,
    /// except when reservations settle lower than estimated, which a plain endpoint difference absorbs better than a
    /// sample-to-sample sum).
    /// </summary>
    public static BudgetForecast From(
        IEnumerable<BurnSample> samples,
        decimal limit,
        decimal used,
        DateTimeOffset now,
        DateTimeOffset nextReset,
        TimeSpan window)
    {
        var recent = samples.Where(s => s.At > now - window && s.At <= now).OrderBy(s => s.At).ToList();
        if (recent.Count < 2 || recent[^1].At <= recent[0].At)
        {
            return new BudgetForecast(null, null, false, recent.Count, window);
        }

        var hours = (decimal)(recent[^1].At - recent[0].At).TotalHours;
        var perHour = Math.Max(0, (recent[^1].Used - recent[0].Used) / hours);
        var remaining = limit - used;
        if (remaining <= 0)
        {
            return new BudgetForecast(perHour, now, true, recent.Count, window);
        }

        if (perHour == 0)
        {
            return new BudgetForecast(0, null, false, recent.Count, window);
        }

        var hoursLeft = remaining / perHour;
        // Beyond a year the instant is meaningless (and would overflow): the budget simply does not run out.
        if (hoursLeft > 24 * 366)
        {
            return new BudgetForecast(perHour, null, false, recent.Count, window);
        }

        var exhaustsAt = now + TimeSpan.FromTicks((long)(hoursLeft * TimeSpan.TicksPerHour));
        return new BudgetForecast(perHour, exhaustsAt, exhaustsAt < nextReset, recent.Count, window);
    }
}
