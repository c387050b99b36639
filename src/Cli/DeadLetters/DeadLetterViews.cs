namespace ClayBus.Cli.DeadLetters;

// The Monitor's GET /status/dead-letters as the CLI reads it (src/Monitor/Status/DeadLetterReport.cs).

public sealed record DeadLetterReportView(bool Available, long Total, IReadOnlyList<DeadLetterQueueView> Queues, IReadOnlyList<DeadLetterGroupView> Groups, string? Error);

public sealed record DeadLetterQueueView(string Queue, string SourceQueue, long Depth);

public sealed record DeadLetterGroupView(string Id, string Queue, string ExceptionType, string Message, int Count, DateTimeOffset? LastFailedAt);
