using ClayBus.Monitor.Metrics;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Providers;

/// <summary>
/// Copies every provider's window from Redis into the success-rate gauge on a period: the windows are shared, so a
/// Monitor that took no callbacks lately (or just started) reports the same rates as the one that did.
/// </summary>
public sealed class ProviderRateRefresher(
    ProviderHealthStore store,
    MonitorMetrics metrics,
    IOptions<ProviderHealthOptions> options,
    TimeProvider clock,
    ILogger<ProviderRateRefresher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.MetricRefreshSeconds), clock);
        do
        {
            try
            {
                foreach (var (provider, window) in await store.WindowsAsync())
                {
                    metrics.ProviderSuccessRate(provider, window.SuccessRate);
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Debug: Redis outages are reported by readiness and every consumer; the gauge keeps its last values.
                if (logger.IsEnabled(LogLevel.Debug))
                {
                    logger.LogDebug(exception, "Could not read the provider windows for the success-rate gauge");
                }
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }
}
