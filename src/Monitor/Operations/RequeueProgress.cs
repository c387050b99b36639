namespace ClayBus.Monitor.Operations;

/// <summary>How a run ended: completed, stopped by the canary, or failed; <see cref="Reason"/> says why when not completed.</summary>
public sealed record RequeueOutcome(RequeueRunState State, string? Reason);

/// <summary>Counters the run updates and its heartbeat reads from another thread.</summary>
public sealed class RequeueProgress
{
    private long _moved;
    private long _kept;
    private int _passes;

    public long Moved => Interlocked.Read(ref _moved);

    public long Kept => Interlocked.Read(ref _kept);

    public int Passes => Volatile.Read(ref _passes);

    public void AddMoved() => Interlocked.Increment(ref _moved);

    public void SetKept(long kept) => Interlocked.Exchange(ref _kept, kept);

    public void AddPass() => Interlocked.Increment(ref _passes);
}
