using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Tests.Status;
using ClayBus.Testing;

namespace ClayBus.Monitor.Tests.Providers;

/// <summary>
/// Provider health through the real broker: callbacks' outcomes published as the callback receiver does, the
/// Monitor's windows in Redis, and the routing events the Submitter would act on.
/// </summary>
[Trait("Category", "Integration")]
public class ProviderHealthSpecs(MonitorFixture monitor) : IClassFixture<MonitorFixture>
{
    private const string Table = "outbound-leads-tech";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_degrade_route_around_respect_the_ejection_limit_and_recover()
    {
        // Window 20, at least 10 samples, at most half of the known providers ejected (MonitorFixture.MonitorSettings).
        await PublishRows(12, ("apollo", ProviderResult.Error), ("clearbit", ProviderResult.NoData), ("hunter", ProviderResult.Hit));

        var route = await Eventually.Value(
            () => Task.FromResult(monitor.RouteChanges.FirstOrDefault(c => c.TableKey == Table)),
            c => c is not null,
            Deadline,
            "TableRouteChanged for the table with an apollo variant");
        Assert.Equal("outbound-leads-tech-no-apollo", route!.RouteToTableKey);
        Assert.Equal(0.05, route.ProbeShare);
        Assert.True(route.Version > 0, "a route change carries its version");

        // Re-announced under the same version, so a Submitter that missed the change follows it.
        await Eventually.Until(
            () => monitor.RouteChanges.Count(c => c.TableKey == Table && c.Version == route.Version && c.RouteToTableKey == route.RouteToTableKey) >= 2,
            Deadline,
            "the current route re-announced");
        await Eventually.Until(() => monitor.ProviderEvents.Any(e => e is ProviderDegraded { Provider: "apollo" }), Deadline, "ProviderDegraded for apollo");
        Assert.DoesNotContain(monitor.ProviderEvents, e => e is ProviderDegraded { Provider: "clearbit" or "hunter" });

        // clearbit fails too, but one of three providers is all that may be routed around at once.
        await PublishRows(12, ("clearbit", ProviderResult.Timeout));
        var providers = await Eventually.Value(
            ReadProviders,
            p => State(p, "clearbit") == "degraded",
            Deadline,
            "clearbit degraded but not ejected");
        Assert.Equal("ejected", State(providers, "apollo"));
        Assert.Equal("healthy", State(providers, "hunter"));
        Assert.Equal(Table + "-no-apollo", providers.GetProperty("routes").GetProperty(Table).GetString());

        // The probe share keeps apollo's window moving: it answers again and routing comes back.
        await PublishRows(20, ("apollo", ProviderResult.Hit));
        var restored = await Eventually.Value(
            () => Task.FromResult(monitor.RouteChanges.FirstOrDefault(c => c.TableKey == Table && c.RouteToTableKey is null)),
            c => c is not null,
            Deadline,
            "TableRouteChanged back to the table itself");
        Assert.Equal(0, restored!.ProbeShare);
        Assert.True(restored.Version > route.Version, $"the route back ({restored.Version}) is newer than the reroute ({route.Version})");
        await Eventually.Until(() => monitor.ProviderEvents.Any(e => e is ProviderRecovered { Provider: "apollo" }), Deadline, "ProviderRecovered for apollo");
        providers = await Eventually.Value(ReadProviders, p => State(p, "clearbit") == "ejected", Deadline, "clearbit ejected once apollo left the ejected set");
        Assert.Equal("healthy", State(providers, "apollo"));
        Assert.Single(monitor.ProviderEvents, e => e is ProviderDegraded { Provider: "apollo" });
    }

    private async Task PublishRows(int rows, params (string Provider, ProviderResult Result)[] outcomes)
    {
        var jobId = Guid.NewGuid();
        var providerOutcomes = outcomes.Select(o => new ProviderOutcome(o.Provider, o.Result, o.Result == ProviderResult.Hit ? 2m : 0m)).ToList();
        await Task.WhenAll(Enumerable.Range(0, rows).Select(i => monitor.Enricher.Publish(new RowEnrichmentFailed(
            jobId, $"row-{jobId:N}-{i}", Table, RowFailureKind.Error, providerOutcomes, 0m, providerOutcomes.Count + 1, DateTimeOffset.UtcNow))));
    }

    private Task<JsonElement> ReadProviders() => monitor.Client.GetFromJsonAsync<JsonElement>("status/providers");

    private static string? State(JsonElement report, string provider) =>
        report.GetProperty("providers").EnumerateArray()
            .Where(p => p.GetProperty("provider").GetString() == provider)
            .Select(p => p.GetProperty("state").GetString())
            .FirstOrDefault();
}
