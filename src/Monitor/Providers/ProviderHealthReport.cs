using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Providers;

/// <summary>The providers section of the status API.</summary>
/// <param name="Routes">Tables currently routed to a variant: table → variant.</param>
public sealed record ProviderHealthReport(
    int WindowSize,
    double DegradedBelow,
    int MinimumSamples,
    int MaxEjected,
    IReadOnlyList<ProviderStatus> Providers,
    IReadOnlyDictionary<string, string> Routes);

/// <param name="State"><c>healthy</c>, <c>degraded</c> (alerted, not routed around: the ejection limit holds), or <c>ejected</c> (routed around).</param>
public sealed record ProviderStatus(string Provider, int Samples, int Successes, double SuccessRate, string State, DateTimeOffset? Since);

public sealed class ProviderHealthReader(ProviderHealthStore store, IOptions<ProviderHealthOptions> options)
{
    public async Task<ProviderHealthReport> ReadAsync()
    {
        var degraded = await store.DegradedAsync();
        var ejected = (await store.EjectedInOrderAsync()).ToHashSet(StringComparer.Ordinal);
        var windows = await store.WindowsAsync();
        var providers = windows.Select(entry => new ProviderStatus(
            entry.Provider,
            entry.Window.Samples,
            entry.Window.Successes,
            Math.Round(entry.Window.SuccessRate, 4),
            ejected.Contains(entry.Provider) ? "ejected" : degraded.ContainsKey(entry.Provider) ? "degraded" : "healthy",
            degraded.TryGetValue(entry.Provider, out var since) ? since : null)).ToList();
        var policy = new ProviderHealthPolicy(options.Value);
        return new ProviderHealthReport(
            options.Value.WindowSize,
            options.Value.DegradedBelow,
            options.Value.MinimumSamples,
            policy.MaxEjected(windows.Count),
            providers,
            await store.RoutesAsync());
    }
}
