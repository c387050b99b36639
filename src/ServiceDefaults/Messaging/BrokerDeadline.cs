namespace ClayBus.ServiceDefaults.Messaging;

/// <summary>
/// A publish or send that gives up after a deadline. After its cluster member is lost, MassTransit 8.5 can leave a
/// publish waiting for ever, neither sent nor faulted: the Monitor's progress aggregator stalled on one and its job
/// stayed "enriching" with every callback in (two of three node-loss runs under load). Loops and request handlers
/// bound theirs with this and try again; a hung publish then costs one round, not the process.
/// </summary>
public static class BrokerDeadline
{
    /// <summary>Long enough for a reconnect to a surviving member (1-2 s here), short enough to retry in the same minute.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(10);

    /// <exception cref="TimeoutException">The broker did not take the message within <paramref name="timeout"/>.</exception>
    public static async Task WithinAsync(Func<CancellationToken, Task> call, TimeSpan timeout, CancellationToken cancellationToken, TimeProvider? clock = null)
    {
        using var timer = new CancellationTokenSource(timeout, clock ?? TimeProvider.System);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            // WaitAsync as well as the token: a publish that ignores its token must still release the caller.
            await call(deadline.Token).WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"the broker did not take the message within {timeout.TotalSeconds:0} s");
        }
    }

    /// <inheritdoc cref="WithinAsync(Func{CancellationToken, Task}, TimeSpan, CancellationToken, TimeProvider?)"/>
    public static Task WithinAsync(Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        WithinAsync(call, Default, cancellationToken);
}
