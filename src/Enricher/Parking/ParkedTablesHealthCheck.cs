using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ClayBus.Enricher.Parking;

/// <summary>Readiness: Degraded (still HTTP 200) while some table's batches are parked, with each table's reason.</summary>
public sealed class ParkedTablesHealthCheck(ParkedTables parked) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var tables = parked.All;
        return Task.FromResult(tables.Count == 0
            ? HealthCheckResult.Healthy("no table waits")
            : HealthCheckResult.Degraded("tables wait: " + string.Join("; ", tables.Select(t => $"{t.TableKey} ({t.Reason}) since {t.Since:O}: {t.Detail}"))));
    }
}
