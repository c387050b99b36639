using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Metrics;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Providers;

/// <summary>
/// Feeds one row's provider outcomes into the windows and works out what must be announced. It returns the events
/// instead of publishing them, so the consumer stays the one place with side effects on the bus.
/// </summary>
public sealed class ProviderHealthTracker(
    ProviderHealthStore store,
    IOptions<ProviderHealthOptions> options,
    IOptions<Dictionary<string, TableVariants>> tables,
    TimeProvider clock,
    MonitorMetrics metrics,
    ILogger<ProviderHealthTracker> logger)
{
    private readonly ProviderHealthPolicy _policy = new(options.Value);

    public async Task<IReadOnlyList<object>> ObserveAsync(IReadOnlyList<ProviderOutcome> outcomes)
    {
        var events = new List<object>();
        var now = clock.GetUtcNow();
        var degraded = await store.DegradedAsync();
        foreach (var outcome in outcomes)
        {
            if (ProviderWindow.IsSuccess(outcome.Result) is not { } success || string.IsNullOrWhiteSpace(outcome.Provider))
            {
                continue;
            }

            var (provider, window) = await store.RecordAsync(outcome.Provider, success, options.Value.WindowSize, options.Value.MaxProviders);
            metrics.ProviderSuccessRate(provider, window.SuccessRate);
            if (provider == ProviderHealthStore.Other)
            {
                // Many unknown names in one window: no route leaves them out, so it is not judged.
                continue;
            }

            switch (_policy.Judge(window, degraded.ContainsKey(outcome.Provider)))
            {
                case ProviderVerdict.Degrade when await store.TryMarkDegradedAsync(outcome.Provider, now):
                    logger.LogWarning(
                        "Provider {Provider} degraded: {SuccessRate:P0} success over the last {Samples} attempts",
                        outcome.Provider, window.SuccessRate, window.Samples);
                    events.Add(new ProviderDegraded(outcome.Provider, window.SuccessRate, window.Samples, now));
                    break;
                case ProviderVerdict.Recover when await store.TryMarkRecoveredAsync(outcome.Provider):
                    if (logger.IsEnabled(LogLevel.Information))
                    {
                        logger.LogInformation(
                            "Provider {Provider} recovered: {SuccessRate:P0} success over the last {Samples} attempts",
                            outcome.Provider, window.SuccessRate, window.Samples);
                    }

                    events.Add(new ProviderRecovered(outcome.Provider, window.SuccessRate, window.Samples, now));
                    break;
            }
        }

        events.AddRange(await ReconcileRoutesAsync(now));
        return events;
    }

    /// <summary>
    /// Ejects degraded providers while the ejection limit allows, then brings every table's route in line with
    /// the ejected set. Run on every observation, so a route missed by a crash or a lost race converges on the next
    /// callback.
    /// </summary>
    private async Task<IReadOnlyList<TableRouteChanged>> ReconcileRoutesAsync(DateTimeOffset now)
    {
        var degraded = await store.DegradedAsync();
        var maxEjected = _policy.MaxEjected(await store.KnownCountAsync());
        foreach (var provider in degraded.OrderBy(pair => pair.Value).Select(pair => pair.Key))
        {
            if (await store.TryEjectAsync(provider, maxEjected, now) == EjectionResult.OverLimit && logger.IsEnabled(LogLevel.Debug))
            {
                // Debug: this repeats on every callback while the limit holds; the ProviderDegraded alert already went out.
                logger.LogDebug(
                    "Provider {Provider} is degraded but not routed around: {MaxEjected} provider(s) already are (ProviderHealth:MaxEjectedShare)",
                    provider, maxEjected);
            }
        }

        var ejected = await store.EjectedInOrderAsync();
        var changes = new List<TableRouteChanged>();
        foreach (var (table, route) in ProviderHealthPolicy.Routes(tables.Value, ejected))
        {
            var version = await store.TrySetRouteAsync(table, route);
            if (version == 0)
            {
                continue;
            }

            var reason = route is null
                ? "providers recovered: normal routing"
                : $"provider {ejected.First(p => tables.Value[table].Variants.TryGetValue(p, out var v) && v == route)} degraded";
            var routeTo = route ?? table;
            logger.LogWarning("Table {TableKey} now routes to {RouteTo} ({Reason})", table, routeTo, reason);
            changes.Add(new TableRouteChanged(table, route, route is null ? 0 : options.Value.ProbeShare, reason, now, version));
        }

        return changes;
    }
}
