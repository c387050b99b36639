using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Metrics;
using ClayBus.Monitor.Tests.Integration;
using ClayBus.Testing;

namespace ClayBus.Monitor.Tests.Providers;

/// <summary>
/// The <c>claybus.provider.success_rate</c> gauge, read through a <see cref="MeterListener"/> as an exporter reads it,
/// from a Monitor on the real RabbitMQ and Redis.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ProviderSuccessRateMetricSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private const string Instrument = "claybus.provider.success_rate";

    [Fact]
    public async Task Should_report_each_providers_window_from_outcomes_and_from_the_shared_windows_in_redis()
    {
        await using var monitor = await MonitorHost.StartAsync(infrastructure, new Dictionary<string, string?> { ["ProviderHealth:MetricRefreshSeconds"] = "1" });
        // Names unique to this test: other Monitors in this test process report through meters of the same name.
        var observed = $"observed-{Guid.NewGuid():N}";
        var shared = $"shared-{Guid.NewGuid():N}";
        var rates = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == MonitorMetrics.MeterName && instrument.Name == Instrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "provider" && tag.Value is string provider)
                {
                    rates[provider] = value;
                }
            }
        });
        listener.Start();

        // Three hits and one error through the Monitor's provider health: 0.75.
        var jobId = Guid.NewGuid();
        foreach (var (result, i) in new[] { ProviderResult.Hit, ProviderResult.NoData, ProviderResult.Hit, ProviderResult.Error }.Select((r, i) => (r, i)))
        {
            await monitor.Bus.Publish(new RowEnrichmentFailed(
                jobId, $"row-{jobId:N}-{i}", "people", RowFailureKind.Error, [new ProviderOutcome(observed, result, 0m)], 0m, 1, DateTimeOffset.UtcNow));
        }

        // A window another Monitor recorded (1 success in 4): this one reports it after its next refresh.
        var database = infrastructure.Redis.Database;
        await database.ListRightPushAsync(infrastructure.Redis.Prefix + "providers:window:" + shared, ["1", "0", "0", "0"]);
        await database.SetAddAsync(infrastructure.Redis.Prefix + "providers:known", shared);

        await Eventually.Until(
            () =>
            {
                listener.RecordObservableInstruments();
                return rates.TryGetValue(observed, out var o) && o == 0.75 && rates.TryGetValue(shared, out var s) && s == 0.25;
            },
            TimeSpan.FromSeconds(30),
            $"{Instrument} to report 0.75 for the observed provider and 0.25 for the one only in Redis");
    }
}
