using ClayBus.Contracts.Delivery;
using MassTransit;

namespace ClayBus.Enricher.Pausing;

/// <summary>Why this instance is paused, and what it waits for.</summary>
/// <param name="ProbeAt">When to try again (Clay cool-down); null: probe at every supervisor tick.</param>
/// <param name="NeededCredits">For a budget pause: the credits the refused request needed.</param>
/// <param name="NeededActions">For a budget pause: the Actions the refused request needed.</param>
public sealed record PauseState(PauseReason Reason, string Detail, DateTimeOffset Since, DateTimeOffset? ProbeAt, decimal NeededCredits, long NeededActions = 0);

/// <summary>
/// Whether this instance consumes its delivery queues (<c>deliver-batch</c>, <c>-high</c>, <c>-low</c>). Any feature may ask for a pause with a reason; the
/// <see cref="PauseSupervisor"/> stops the receive endpoint (its messages stay Ready in the queue for other instances
/// or for later), probes each reason, and starts the endpoint again when none is left. Stopping happens outside the
/// consumer that asked, because stopping an endpoint waits for its consumers to finish.
/// </summary>
public sealed class DeliveryPause : IReceiveEndpointObserver, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<PauseReason, PauseState> _reasons = [];
    private readonly SemaphoreSlim _changed = new(0);

    public static string Instance { get; } = $"{Environment.MachineName}/{Environment.ProcessId}";

    private readonly List<IReceiveEndpoint> _endpoints = [];

    /// <summary>The delivery endpoints (every priority's receive path), once the bus has started them.</summary>
    public IReadOnlyList<IReceiveEndpoint> Endpoints
    {
        get
        {
            lock (_gate)
            {
                return [.. _endpoints];
            }
        }
    }


    public IReadOnlyList<PauseState> Reasons
    {
        get
        {
            lock (_gate)
            {
                return [.. _reasons.Values];
            }
        }
    }

    public bool IsPaused
    {
        get
        {
            lock (_gate)
            {
                return _reasons.Count > 0;
            }
        }
    }

    /// <returns>True when the reason is new (the caller publishes <c>DeliveryPaused</c>).</returns>
    public bool Pause(PauseState state)
    {
        bool added;
        lock (_gate)
        {
            added = _reasons.TryAdd(state.Reason, state);
            if (!added)
            {
                var previous = _reasons[state.Reason];
                _reasons[state.Reason] = previous with
                {
                    ProbeAt = state.ProbeAt > previous.ProbeAt ? state.ProbeAt : previous.ProbeAt,
                    NeededCredits = Math.Max(previous.NeededCredits, state.NeededCredits),
                    NeededActions = Math.Max(previous.NeededActions, state.NeededActions),
                };
            }
        }

        _changed.Release();
        return added;
    }

    /// <returns>True when the reason was present.</returns>
    public bool Resume(PauseReason reason)
    {
        bool removed;
        lock (_gate)
        {
            removed = _reasons.Remove(reason);
        }

        _changed.Release();
        return removed;
    }

    /// <summary>Waits until a pause or resume is asked for, or <paramref name="timeout"/> passes.</summary>
    public Task WaitForChangeAsync(TimeSpan timeout, CancellationToken cancellationToken) => _changed.WaitAsync(timeout, cancellationToken);

    public void Dispose() => _changed.Dispose();

    public Task Ready(ReceiveEndpointReady ready)
    {
        if (Delivery.DeliveryQueues.IsDeliveryQueue(ready.InputAddress.AbsolutePath.Split('/')[^1]))
        {
            lock (_gate)
            {
                if (!_endpoints.Contains(ready.ReceiveEndpoint))
                {
                    _endpoints.Add(ready.ReceiveEndpoint);
                }
            }
        }

        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}
