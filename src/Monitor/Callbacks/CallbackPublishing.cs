using ClayBus.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Callbacks;

/// <summary>
/// Passes a callback's row event to the broker. While the broker is away (its node lost, a restart) a publish fails or
/// waits for a connection; after <see cref="CallbackOptions.PublishTimeoutSeconds"/> Clay is answered 503 and calls
/// again, and the row's record (marked published only after a publish) makes that retry publish it again. Publishing
/// that keeps failing, without a success, for <see cref="CallbackOptions.PublishStallSeconds"/> is a client that did not
/// recover: the process exits (code 75) for its supervisor to start a new one, as the consumer watchdog does.
/// </summary>
public sealed partial class CallbackPublishing(
    IBus bus, IStalledProcessExit exit, IOptionsMonitor<CallbackOptions> options, TimeProvider clock, ILogger<CallbackPublishing> logger)
{
    // One line per interval, with the count since the last: a lost node fails hundreds of callbacks a second.
    private static readonly TimeSpan LogEvery = TimeSpan.FromSeconds(10);
    private const long Never = 0;
    private long _failingSince = Never;
    private long _lastFailure = Never;
    private long _loggedAt = Never;
    private int _sinceLogged;
    private int _exited;

    /// <returns>false when the event could not be handed to the broker in time; the caller answers 503.</returns>
    public async Task<bool> TryPublishAsync(object rowEvent, CancellationToken requestAborted)
    {
        var timeout = TimeSpan.FromSeconds(options.CurrentValue.PublishTimeoutSeconds);
        try
        {
            await BrokerDeadline.WithinAsync(token => bus.Publish(rowEvent, token), timeout, requestAborted, clock);
            Interlocked.Exchange(ref _failingSince, Never);
            return true;
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !requestAborted.IsCancellationRequested)
        {
            // A broker fault is counted even when Clay has hung up meanwhile: only the hang-up itself is the host's.
            Failed(exception is TimeoutException ? $"no broker connection within {timeout.TotalSeconds:0} s" : exception.Message);
            return false;
        }
    }

    private void Failed(string reason)
    {
        var now = Math.Max(clock.GetTimestamp(), 1);
        var stallAfter = options.CurrentValue.PublishStallSeconds;
        // A failure long after the last one (no callbacks meanwhile) starts a new streak rather than ending the process.
        var previous = Interlocked.Exchange(ref _lastFailure, now);
        if (previous == Never || clock.GetElapsedTime(previous, now).TotalSeconds >= stallAfter)
        {
            Interlocked.Exchange(ref _failingSince, now);
        }
        else
        {
            Interlocked.CompareExchange(ref _failingSince, now, Never);
        }

        // A success on another request may have ended the streak meanwhile.
        var since = Interlocked.Read(ref _failingSince);
        var failing = since == Never ? TimeSpan.Zero : clock.GetElapsedTime(since, now);
        Interlocked.Increment(ref _sinceLogged);
        var logged = Interlocked.Read(ref _loggedAt);
        if ((logged == Never || clock.GetElapsedTime(logged, now) >= LogEvery) && Interlocked.CompareExchange(ref _loggedAt, now, logged) == logged)
        {
            LogPublishFailed(reason, Interlocked.Exchange(ref _sinceLogged, 0), (int)failing.TotalSeconds);
        }

        if (failing.TotalSeconds >= stallAfter && Interlocked.Exchange(ref _exited, 1) == 0)
        {
            LogStalled(stallAfter, reason);
            exit.Exit("callback publishing");
        }
    }

    [LoggerMessage(LogLevel.Warning, "Callbacks cannot be passed on to RabbitMQ ({Reason}): {Failed} answered 503 since the last report (Clay retries them), none passed on for {FailingSeconds} s")]
    private partial void LogPublishFailed(string reason, int failed, int failingSeconds);

    [LoggerMessage(LogLevel.Critical, "No callback passed on to RabbitMQ for {StallSeconds} s ({Reason}): exiting with code 75 for the supervisor to start a new process")]
    private partial void LogStalled(int stallSeconds, string reason);
}
