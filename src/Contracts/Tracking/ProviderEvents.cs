namespace ClayBus.Contracts.Tracking;

/// <summary>
/// A provider's success rate over its sliding window fell below the threshold. Published by the Monitor's provider
/// health; consumed by the Submitter (routes new batches to variant tables) and alerting.
/// </summary>
public record ProviderDegraded(string Provider, double SuccessRate, int Samples, DateTimeOffset At);

/// <summary>A degraded provider's success rate is back above the threshold. Published and consumed as <see cref="ProviderDegraded"/>.</summary>
public record ProviderRecovered(string Provider, double SuccessRate, int Samples, DateTimeOffset At);

/// <summary>
/// New batches for <see cref="TableKey"/> now go to <see cref="RouteToTableKey"/> (a variant table whose waterfall
/// leaves a degraded provider out), except a probe share; <c>null</c> restores normal routing.
/// Published by the Monitor's provider health; consumed by the Submitter's routing.
/// </summary>
/// <param name="Version">
/// Orders the table's route changes (it only grows), so a consumer applies only a change newer than the last it
/// applied: changes can arrive out of order, and the Monitor re-announces the current route now and then. 0 (a
/// Monitor that does not number them): apply it.
/// </param>
public record TableRouteChanged(string TableKey, string? RouteToTableKey, double ProbeShare, string Reason, DateTimeOffset At, long Version = 0);
