namespace ClayBus.Cli.DeadLetters;

// The Monitor's GET /status/dead-letters (src/Monitor/Status/DeadLetterReport.cs) and POST /dead-letters/{queue}/requeue
// (src/Monitor/Operations/DeadLetterRequeueEndpoints.cs) as the CLI reads them.

public sealed record DeadLetterReportView(bool Available, long Total, IReadOnlyList<DeadLetterQueueView> Queues, IReadOnlyList<DeadLetterGroupView> Groups, string? Error);

public sealed record DeadLetterQueueView(string Queue, string SourceQueue, long Depth);

public sealed record DeadLetterGroupView(string Id, string Queue, string ExceptionType, string Message, int Count, DateTimeOffset? LastFailedAt);

/// <param name="Completed">False when the Monitor's requeue run was still moving at its deadline (HTTP 202): it goes on without us.</param>
public sealed record RequeueView(string Queue, string Destination, long Moved, bool Completed, string? Shovel);

/// <summary>POST /dead-letters/requeues and GET /dead-letters/requeues/{runId} (src/Monitor/Operations/RequeueRunStatus.cs).</summary>
/// <param name="State">running, completed, stopped (the canary: a requeued group failed again) or failed.</param>
public sealed record RequeueRunView(
    Guid RunId,
    string Queue,
    string Destination,
    string? Group,
    double RatePerSecond,
    int Canary,
    int CanaryWaitSeconds,
    string State,
    long Moved,
    long Kept,
    int Passes,
    string? Reason,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt);
