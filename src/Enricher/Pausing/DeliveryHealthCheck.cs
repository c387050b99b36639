using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClayBus.Enricher.Pausing;

/// <summary>
/// Readiness: Degraded (still HTTP 200) with the reasons while delivery is paused, so an orchestrator shows why but
/// never restarts a pod that is waiting for the budget or for Clay on purpose.
/// </summary>
public sealed class DeliveryHealthCheck(DeliveryPause pause) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var reasons = pause.Reasons;
        return Task.FromResult(reasons.Count == 0
            ? HealthCheckResult.Healthy("delivering")
            : HealthCheckResult.Degraded("paused: " + string.Join("; ", reasons.Select(r => $"{r.Reason} since {r.Since:O} ({r.Detail})"))));
    }
}
