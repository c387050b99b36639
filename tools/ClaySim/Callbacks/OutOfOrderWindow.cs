using ClayBus.ClaySim.Clock;

namespace ClayBus.ClaySim.Callbacks;

/// <summary>
/// The out-of-order switch: holds finished callbacks until a window of them is full (or a few simulated seconds
/// pass) and sends them newest first, one after another, so a receiver sees a strictly falling sequence.
/// The hold is in real time, not simulated: at a high speed factor a simulated hold would release every callback
/// alone and so in order.
/// </summary>
internal sealed partial class OutOfOrderWindow(CallbackSender sender, SimClock clock, ILogger logger)
{
    private static readonly TimeSpan FlushAfter = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private List<ReadyCallback> _held = [];

    public void Hold(ReadyCallback callback, int size, CancellationToken stopping)
    {
        List<ReadyCallback>? release = null;
        var first = false;
        lock (_gate)
        {
            _held.Add(callback);
            first = _held.Count == 1;
            if (_held.Count >= size)
            {
                release = _held;
                _held = [];
            }
        }

        if (release is not null)
        {
            _ = ReleaseAsync(release, stopping);
        }
        else if (first)
        {
            _ = FlushLaterAsync(callback, stopping);
        }
    }

    private async Task FlushLaterAsync(ReadyCallback first, CancellationToken stopping)
    {
        try
        {
            await Task.Delay(FlushAfter, clock.Time, stopping);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        List<ReadyCallback>? release = null;
        lock (_gate)
        {
            // Only the window this callback opened: if it was released full meanwhile, a later one has its own timer.
            if (_held.Count > 0 && ReferenceEquals(_held[0], first))
            {
                release = _held;
                _held = [];
            }
        }

        if (release is not null)
        {
            await ReleaseAsync(release, stopping);
        }
    }

    private async Task ReleaseAsync(List<ReadyCallback> callbacks, CancellationToken stopping)
    {
        try
        {
            for (var i = callbacks.Count - 1; i >= 0; i--)
            {
                await sender.DeliverAsync(callbacks[i], stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            LogReleaseFailed(logger, exception);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Releasing held out-of-order callbacks failed")]
    private static partial void LogReleaseFailed(ILogger logger, Exception exception);
}
