namespace ClayBus.Monitor.Operations;

/// <summary>
/// At most one move per interval, never a burst: a slot that was missed (a canary pause, a slow broker) is not made
/// up later, so the rate bound holds over any stretch of the run.
/// </summary>
public sealed class RequeuePacer(double ratePerSecond, TimeProvider clock)
{
    private readonly TimeSpan _interval = TimeSpan.FromSeconds(1 / ratePerSecond);
    private DateTimeOffset? _next;

    /// <summary>How long until the next move may go; zero when it may go now.</summary>
    public TimeSpan Wait => _next is { } next && next > clock.GetUtcNow() ? next - clock.GetUtcNow() : TimeSpan.Zero;

    /// <summary>Takes the slot: call right before the move.</summary>
    public void Take()
    {
        var now = clock.GetUtcNow();
        _next = (_next is { } next && next > now ? next : now) + _interval;
    }
}
