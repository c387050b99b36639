using System.Collections.Concurrent;
using MassTransit;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClayBus.ServiceDefaults.Messaging;

/// <summary>
/// Readiness check <c>bus</c>: Unhealthy while a receive endpoint cannot reach the broker. MassTransit's own check
/// reports an endpoint that lost its broker as Degraded, which <c>/health/ready</c> answers with 200, so an instance
/// without a broker stayed in rotation; and it reports an endpoint stopped on purpose (the Enricher's pause) as
/// Degraded too, so its status alone cannot tell the two apart. The endpoint events can (<see cref="BusEndpointFaults"/>).
/// Otherwise this follows MassTransit's result.
/// </summary>
internal sealed class BusReadiness(BusEndpointFaults faults, IBusControl bus) : IHealthCheck
{
    public const string Name = "bus";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (faults.Describe() is { } faulted)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy($"not connected to RabbitMQ: faulted endpoints {faulted}"));
        }

        var health = bus.CheckHealth();
        return Task.FromResult(health.Status switch
        {
            BusHealthStatus.Healthy => HealthCheckResult.Healthy(health.Description),
            BusHealthStatus.Degraded => HealthCheckResult.Degraded(health.Description),
            _ => HealthCheckResult.Unhealthy(health.Description),
        });
    }
}

/// <summary>
/// The receive endpoints whose last event is <c>Faulted</c>: losing the broker (connection refused, channel closed,
/// topology refused) ends there until the endpoint is <c>Ready</c> again, while a stop on purpose ends in <c>Completed</c>.
/// </summary>
internal sealed class BusEndpointFaults : IReceiveEndpointObserver
{
    private readonly ConcurrentDictionary<Uri, string> _faulted = new();

    /// <summary>Endpoint names and exception types, or null when none is faulted. Never the messages: they carry the broker's user and address.</summary>
    public string? Describe() =>
        _faulted.IsEmpty
            ? null
            : string.Join(", ", _faulted
                .Select(pair => $"{pair.Key.AbsolutePath.Split('/')[^1]} ({pair.Value})")
                .Order(StringComparer.Ordinal));

    public Task Ready(ReceiveEndpointReady ready)
    {
        _faulted.TryRemove(ready.InputAddress, out _);
        return Task.CompletedTask;
    }

    public Task Faulted(ReceiveEndpointFaulted faulted)
    {
        _faulted[faulted.InputAddress] = faulted.Exception?.GetType().Name ?? "fault";
        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;
}
