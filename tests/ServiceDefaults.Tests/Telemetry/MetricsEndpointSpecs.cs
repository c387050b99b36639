using System.Diagnostics.Metrics;
using ClayBus.ServiceDefaults.Messaging;
using ClayBus.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace ClayBus.ServiceDefaults.Tests.Telemetry;

public record MetricsPinged(Guid Id);

/// <summary>Counts what it consumes on a <c>ClayBus.*</c> meter, as the services' consumers do.</summary>
public sealed class MetricsPingedConsumer(TaskCompletionSource<MetricsPinged> received, Counter<long> consumed) : IConsumer<MetricsPinged>
{
    public Task Consume(ConsumeContext<MetricsPinged> context)
    {
        consumed.Add(1);
        received.TrySetResult(context.Message);
        return Task.CompletedTask;
    }
}

[Trait("Category", "Integration")]
public class MetricsEndpointSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_serve_a_ClayBus_counter_as_Prometheus_text_after_a_publish_is_consumed()
    {
        using var meter = new Meter("ClayBus.TelemetrySpecs");
        var received = new TaskCompletionSource<MetricsPinged>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = TelemetryWebHost.CreateBuilder(infrastructure.Settings);
        builder.Services.AddSingleton(received);
        builder.Services.AddSingleton(meter.CreateCounter<long>("claybus.specs.pings_consumed", unit: "{ping}"));
        builder.AddClayBusMessaging(bus => bus.AddConsumer<MetricsPingedConsumer>());
        await using var app = builder.Build();
        using var client = await TelemetryWebHost.StartAsync(app);

        await app.Services.GetRequiredService<IBus>().Publish(new MetricsPinged(NewId.NextGuid()));
        await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        // The exporter caches a scrape briefly, so an early scrape may predate the consume.
        var scrape = await Eventually.Value(
            () => client.GetStringAsync("/metrics"),
            text => text.Contains("claybus_specs_pings_consumed", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20),
            "/metrics to show the ClayBus counter");
        await app.StopAsync();

        Assert.Contains("# TYPE claybus_specs_pings_consumed_total counter", scrape, StringComparison.Ordinal);
        Assert.Matches(@"(?m)^claybus_specs_pings_consumed_total\{[^}]*\} 1$", scrape);
    }

    /// <remarks>
    /// MassTransit keeps its instruments in process-wide statics created once, from the first host's meter factory,
    /// and that host's disposal ends them: in a test process that builds many hosts, its own instruments are visible
    /// only to the first. A stand-in on a meter of the same name checks the subscription deterministically.
    /// </remarks>
    [Fact]
    public async Task Should_subscribe_to_the_MassTransit_meter()
    {
        var builder = TelemetryWebHost.CreateBuilder(infrastructure.Settings);
        await using var app = builder.Build();
        using var client = await TelemetryWebHost.StartAsync(app);
        using var meter = new Meter(ClayBus.ServiceDefaults.Telemetry.TelemetrySetup.MassTransitSource);
        meter.CreateCounter<long>("messaging.masstransit.specs_standin", unit: "{message}").Add(2);

        var scrape = await Eventually.Value(
            () => client.GetStringAsync("/metrics"),
            text => text.Contains("messaging_masstransit_specs_standin", StringComparison.Ordinal),
            TimeSpan.FromSeconds(20),
            "/metrics to show the MassTransit meter");
        await app.StopAsync();

        Assert.Matches(@"(?m)^messaging_masstransit_specs_standin_total\{otel_scope_name=""MassTransit""[^}]*\} 2$", scrape);
    }

    [Fact]
    public async Task Should_answer_the_scrape_with_the_Prometheus_text_content_type()
    {
        var builder = TelemetryWebHost.CreateBuilder(infrastructure.Settings);
        await using var app = builder.Build();
        using var client = await TelemetryWebHost.StartAsync(app);

        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));
        await app.StopAsync();

        response.EnsureSuccessStatusCode();
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
    }
}
