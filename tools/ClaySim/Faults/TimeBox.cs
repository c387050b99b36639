namespace ClayBus.ClaySim.Faults;

/// <summary>
/// <c>forSeconds</c>, the optional time box every fault takes (<c>PUT /_sim/faults</c>, webhook deletion, token
/// rotation), measured on the unscaled clock. Capped at a year so that the end is always a valid instant.
/// </summary>
internal static class TimeBox
{
    private const double MaxSeconds = 366 * 86_400;

    public static string? Problem(double? forSeconds) =>
        forSeconds is { } seconds && !(seconds > 0 && seconds <= MaxSeconds)
            ? "forSeconds must be above 0 and at most a year (leave it out for a fault that lasts until it is undone)"
            : null;

    public static DateTimeOffset? End(DateTimeOffset now, double? forSeconds) =>
        forSeconds is { } seconds ? now.AddSeconds(seconds) : null;
}
