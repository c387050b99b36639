namespace ClayBus.Monitor.Operations;

public enum RequeueRunState
{
    Running,
    Completed,
    Stopped,
    Failed,
}

/// <summary>A paced requeue as <c>GET /dead-letters/requeues/{runId}</c> answers it.</summary>
/// <param name="Destination">The source queue the messages go back to.</param>
/// <param name="Group">Only this failure group moves; null: every message of <paramref name="Queue"/>.</param>
/// <param name="Moved">Messages published to <paramref name="Destination"/> (confirmed by the broker) and removed from <paramref name="Queue"/>.</param>
/// <param name="Kept">Messages of other groups seen in the latest pass: left in <paramref name="Queue"/>, in their order.</param>
/// <param name="Passes">A pass reads the queue's depth at its start; a new one starts when other failures arrived meanwhile.</param>
/// <param name="Reason">Why the run stopped or failed (e.g. "group ab12cd34 grew again: …").</param>
/// <param name="HeartbeatAt">The Monitor running it writes this every second or so; a stale one means that Monitor stopped.</param>
public sealed record RequeueRunStatus(
    Guid RunId,
    string Queue,
    string Destination,
    string? Group,
    double RatePerSecond,
    int Canary,
    int CanaryWaitSeconds,
    RequeueRunState State,
    long Moved,
    long Kept,
    int Passes,
    string? Reason,
    string StartedBy,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    DateTimeOffset HeartbeatAt);
