using System.Diagnostics.Metrics;
using ClayBus.Contracts.Credits;
using ClayBus.Monitor.Budget;
using ClayBus.Monitor.Metrics;
using ClayBus.Monitor.Tests.Integration;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Tests.Budget;

/// <summary>
/// The Enricher's BudgetAnomaly reaches the operator: kept per table (capped, expiring), shown by the status, counted
/// as a metric and logged once per table, on MassTransit's in-memory harness with the real Redis.
/// </summary>
[Trait("Category", "Integration")]
public sealed class BudgetAnomalyConsumerSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private readonly RedisKeyspace _redis = new(
        infrastructure.Redis.Connection,
        Options.Create(new RedisOptions { KeyPrefix = infrastructure.Redis.Prefix + Guid.NewGuid().ToString("N")[..8] + ":" }));

    [Fact]
    public async Task Should_keep_a_capped_list_per_table_count_every_anomaly_and_warn_once_per_table()
    {
        using var logs = new LogCapture();
        await using var provider = Provider(logs, anomaliesPerTable: 3);
        var harness = provider.GetRequiredService<ITestHarness>();
        using var meter = new MeterCapture();
        await harness.Start();

        // One at a time: the harness consumes concurrently, and "newest first" needs an order.
        for (var i = 0; i < 6; i++)
        {
            await harness.Bus.Publish(i < 5 ? Anomaly("event-attendees", 5m + i) : Anomaly("inbound-leads", 9m));
            await Eventually.Until(async () => await harness.Consumed.SelectAsync<BudgetAnomaly>().Count() == i + 1, TimeSpan.FromSeconds(20), $"anomaly {i + 1} consumed");
        }

        var tables = await provider.GetRequiredService<BudgetAnomalyStore>().TablesAsync(10);

        var attendees = Assert.Single(tables, t => t.TableKey == "event-attendees");
        Assert.Equal(5, attendees.Count);
        Assert.Equal([9m, 8m, 7m], attendees.Latest.Select(a => a.Charged));
        Assert.Equal("inbound-leads", tables[0].TableKey);
        Assert.True(await _redis.Database.KeyTimeToLiveAsync("budget:anomalies:event-attendees") is { TotalDays: > 6 and <= 7 });
        var warnings = logs.Entries.Where(e => e.Level == LogLevel.Warning && e.Message.Contains("above its price list", StringComparison.Ordinal)).ToList();
        Assert.Single(warnings, w => w.Message.Contains("event-attendees", StringComparison.Ordinal));
        Assert.Single(warnings, w => w.Message.Contains("inbound-leads", StringComparison.Ordinal));
        Assert.Equal(5, meter.Total("event-attendees"));
    }

    [Fact]
    public async Task Should_show_the_anomalies_in_the_budget_status_even_when_the_ledger_is_silent()
    {
        using var logs = new LogCapture();
        await using var provider = Provider(logs, anomaliesPerTable: 20);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();

        await harness.Bus.Publish(Anomaly("outbound-leads-finance", 12m));
        await Eventually.Until(async () => await harness.Consumed.Any<BudgetAnomaly>(), TimeSpan.FromSeconds(20), "the anomaly consumed");
        using var scope = provider.CreateScope();
        var report = await scope.ServiceProvider.GetRequiredService<BudgetReporter>().ReportAsync(CancellationToken.None);

        Assert.Equal("unknown", report.State);
        var table = Assert.Single(report.Anomalies!);
        Assert.Equal("outbound-leads-finance", table.TableKey);
        Assert.Equal(12m, Assert.Single(table.Latest).Charged);
    }

    private ServiceProvider Provider(LogCapture logs, int anomaliesPerTable) =>
        new ServiceCollection()
            .AddSingleton(logs.Factory())
            .AddSingleton(typeof(ILogger<>), typeof(Logger<>))
            .AddMetrics()
            .AddSingleton(_redis)
            .AddSingleton(TimeProvider.System)
            .AddSingleton(Options.Create(new BudgetViewOptions { AnomaliesPerTable = anomaliesPerTable, StoreTimeoutMilliseconds = 200 }))
            .AddSingleton<BudgetViewStore>()
            .AddSingleton<BudgetAnomalyStore>()
            .AddSingleton<BudgetAnomalyMetrics>()
            .AddScoped<BudgetStatusClient>()
            .AddScoped<BudgetReporter>()
            .AddMassTransitTestHarness(x =>
            {
                x.AddConsumer<BudgetAnomalyConsumer>();
                x.AddRequestClient<GetBudgetStatus>();
            })
            .BuildServiceProvider(true);

    private static BudgetAnomaly Anomaly(string table, decimal charged) =>
        new(table, "zoominfo", "data_credits", charged, 4m, Guid.NewGuid(), Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow);

    /// <summary>Listens to <c>claybus.budget.anomalies</c> on the Monitor's meter.</summary>
    private sealed class MeterCapture : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly System.Collections.Concurrent.ConcurrentQueue<(string Table, long Value)> _values = new();

        public MeterCapture()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == MonitorMetrics.MeterName && instrument.Name == "claybus.budget.anomalies")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "table")
                    {
                        _values.Enqueue(((string)tag.Value!, value));
                    }
                }
            });
            _listener.Start();
        }

        public long Total(string table) => _values.Where(v => v.Table == table).Sum(v => v.Value);

        public void Dispose() => _listener.Dispose();
    }
}
