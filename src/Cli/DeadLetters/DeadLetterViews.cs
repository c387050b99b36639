namespace ClayBus.Cli.DeadLetters;

// The Monitor's GET /status/dead-letters (src/Monitor/Status/DeadLetterReport.cs) and POST /dead-letters/{queue}/requeue
// (src/Monitor/Operations/DeadLetterMover.cs) as the CLI reads them.

public sealed record DeadLetterReportView(bool Available, long Total, IReadOnlyList<DeadLetterQueueView> Queues, IReadOnlyList<DeadLetterGroupView> Groups, string? Error);

public sealed record DeadLetterQueueView(string Queue, string SourceQueue, long Depth);

public sealed record DeadLetterGroupView(string Id, string Queue, string ExceptionType, string Message, int Count, DateTimeOffset? LastFailedAt);

/// <param name="Completed">False when the Monitor's shovel was still moving at its deadline (HTTP 202): it goes on without us.</param>
public sealed record RequeueView(string Queue, string Destination, long Moved, bool Completed, string? Shovel);
