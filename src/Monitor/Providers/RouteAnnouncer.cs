using ClayBus.Contracts.Tracking;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Providers;

/// <summary>
/// Publishes every table's current route, with its version, on a period. A change is announced once, when it is
/// made; a Monitor that dies between making it and publishing it, or a message lost on the way, would otherwise leave
/// the Submitter routing on an old route until the next change. The Submitter ignores versions it already applied.
/// </summary>
public sealed class RouteAnnouncer(
    IServiceScopeFactory scopes,
    ProviderHealthStore store,
    IOptions<ProviderHealthOptions> options,
    TimeProvider clock,
    ILogger<RouteAnnouncer> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The first tick comes one period after start, when the bus is up.
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.RouteAnnounceSeconds), clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await AnnounceAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // The next period tries again; Redis and broker outages are reported by readiness.
                logger.LogWarning(exception, "Could not announce the current table routes");
            }
        }
    }

    private async Task AnnounceAsync(CancellationToken cancellationToken)
    {
        var routes = await store.RouteVersionsAsync();
        if (routes.Count == 0)
        {
            return;
        }

        using var scope = scopes.CreateScope();
        var publisher = scope.ServiceProvider.GetRequiredService<IPublishEndpoint>();
        var now = clock.GetUtcNow();
        foreach (var (table, route, version) in routes)
        {
            var probeShare = route is null ? 0 : options.Value.ProbeShare;
            var reason = route is null ? "current route: normal routing" : "current route: a provider is degraded";
            var announced = new TableRouteChanged(table, route, probeShare, reason, now, version);
            await BrokerDeadline.WithinAsync(token => publisher.Publish(announced, token), cancellationToken);
        }
    }
}
