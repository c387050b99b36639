namespace ClayBus.Monitor.Jobs;

/// <summary>
/// A job's callback counters, absolute (so duplicates and reordering cannot double-count). Published by the
/// Monitor's progress aggregator every few rows or seconds per job; consumed by the job saga. Internal to the Monitor.
/// </summary>
public record JobProgressed(Guid JobId, IReadOnlyList<TableProgress> Tables, DateTimeOffset FirstCallbackAt, DateTimeOffset LastCallbackAt, DateTimeOffset At);

/// <summary>One table's callback counters for a job, since the job began.</summary>
public record TableProgress(string TableKey, int RowsEnriched, int RowsNoData, int RowsError, decimal CreditsSpent, long Actions);

/// <summary>The job saga's own stuck timeout, scheduled through the Redis scheduler. Internal to the Monitor.</summary>
public record StuckCheckDue(Guid JobId);
