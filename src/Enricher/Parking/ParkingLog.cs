namespace ClayBus.Enricher.Parking;

internal static partial class ParkingLog
{
    [LoggerMessage(LogLevel.Error, "Table {TableKey} waits ({Reason}): {Detail}")]
    public static partial void TableWaits(this ILogger logger, string tableKey, string reason, string detail);

    [LoggerMessage(LogLevel.Information, "Table {TableKey} delivers again")]
    public static partial void TableFlows(this ILogger logger, string tableKey);

    [LoggerMessage(LogLevel.Debug, "Batch {BatchId} of table {TableKey} parked until {Until}")]
    public static partial void Parked(this ILogger logger, Guid batchId, string tableKey, DateTimeOffset until);

    [LoggerMessage(LogLevel.Warning, "Batch {BatchId} could not be parked in the scheduler ({Error}); it waits in its consumer slot instead")]
    public static partial void ParkFailed(this ILogger logger, Guid batchId, string error);
}
