namespace ClayBus.Enricher.Credits;

internal static partial class CreditsLog
{
    [LoggerMessage(LogLevel.Information, "Budget day {Day} began ({TimeZone}): {Limit} credits")]
    public static partial void DayBegan(this ILogger logger, DateOnly day, string timeZone, decimal limit);

    [LoggerMessage(LogLevel.Information, "Daily credit limit changed from {Old} to {New} by {RequestedBy}")]
    public static partial void LimitChanged(this ILogger logger, decimal old, decimal @new, string requestedBy);
}
