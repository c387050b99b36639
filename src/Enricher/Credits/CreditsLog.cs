namespace ClayBus.Enricher.Credits;

internal static partial class CreditsLog
{
    [LoggerMessage(LogLevel.Information, "Budget day {Day} began ({TimeZone}): {Limit} credits")]
    public static partial void DayBegan(this ILogger logger, DateOnly day, string timeZone, decimal limit);

    [LoggerMessage(LogLevel.Warning, "Budget day {Day} began but its BudgetReset could not be published ({Failure}); trying again")]
    public static partial void ResetNotPublished(this ILogger logger, DateOnly day, string failure);

    [LoggerMessage(LogLevel.Information, "Daily credit limit changed from {Old} to {New} by {RequestedBy}")]
    public static partial void LimitChanged(this ILogger logger, decimal old, decimal @new, string requestedBy);

    // The amounts of a refused callback are not logged: a forged one could carry anything.
    [LoggerMessage(LogLevel.Warning, "Callback for row {RowId} of job {JobId} on table {TableKey} moved no money: {Result}")]
    public static partial void SettlementRefused(this ILogger logger, Guid jobId, string rowId, string tableKey, SettlementResult result);

    [LoggerMessage(LogLevel.Error, "Clay charged a row of table {TableKey} more than its price list reserves ({Provider}, {Meter}: {Charged} > {Reserved}): the table is held until Tables:{TableKey}:Prices covers it")]
    public static partial void ChargeAboveReservation(this ILogger logger, string tableKey, string? provider, string meter, decimal charged, decimal reserved);

    [LoggerMessage(LogLevel.Warning, "Hold of table {TableKey} released by {RequestedBy} (it was held: {WasHeld}); the next charge above its price list holds it again")]
    public static partial void HoldReleased(this ILogger logger, string tableKey, string requestedBy, bool wasHeld);
}
