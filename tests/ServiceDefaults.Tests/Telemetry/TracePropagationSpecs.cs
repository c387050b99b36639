using System.Collections.Concurrent;
using System.Diagnostics;
using ClayBus.ServiceDefaults.Health;
using ClayBus.ServiceDefaults.Messaging;
using ClayBus.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ClayBus.ServiceDefaults.Tests.Telemetry;

public record TracePinged(Guid Id);

public sealed class TracePingedConsumer(TaskCompletionSource<ActivityTraceId> consumedIn) : IConsumer<TracePinged>
{
    public Task Consume(ConsumeContext<TracePinged> context)
    {
        consumedIn.TrySetResult(Activity.Current?.TraceId ?? default);
        return Task.CompletedTask;
    }
}

/// <summary>Collects every span the service's tracer provider records, i.e. what an OTLP exporter would send.</summary>
internal sealed class RecordedSpans : BaseProcessor<Activity>
{
    public ConcurrentQueue<Activity> Ended { get; } = new();

    public override void OnEnd(Activity data) => Ended.Enqueue(data);
}

[Trait("Category", "Integration")]
public class TracePropagationSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_keep_one_trace_from_the_HTTP_request_through_the_publish_to_the_consumer()
    {
        var consumedIn = new TaskCompletionSource<ActivityTraceId>(TaskCreationOptions.RunContinuationsAsynchronously);
        var spans = new RecordedSpans();
        var builder = TelemetryWebHost.CreateBuilder(infrastructure.Settings);
        builder.Services.AddSingleton(consumedIn);
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(spans));
        builder.AddClayBusMessaging(bus => bus.AddConsumer<TracePingedConsumer>());
        await using var app = builder.Build();
        app.MapPost("/ping", async (IPublishEndpoint publisher) =>
        {
            await publisher.Publish(new TracePinged(NewId.NextGuid()));
            return Results.Accepted();
        });
        using var client = await TelemetryWebHost.StartAsync(app);

        using var response = await client.PostAsync(new Uri("/ping", UriKind.Relative), content: null);
        response.EnsureSuccessStatusCode();
        var trace = await consumedIn.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Eventually.Until(
            () => Kinds(spans, trace).IsSupersetOf([ActivityKind.Server, ActivityKind.Producer, ActivityKind.Consumer]),
            TimeSpan.FromSeconds(10),
            "the HTTP, send and consume spans of one trace");
        await app.StopAsync();

        Assert.NotEqual(default, trace);
        var server = Assert.Single(spans.Ended, span => span.TraceId == trace && span.Kind == ActivityKind.Server);
        Assert.Equal("POST /ping", server.DisplayName);
        Assert.Contains(spans.Ended, span => span.TraceId == trace && span.Source.Name == "MassTransit" && span.Kind == ActivityKind.Producer);
        Assert.Contains(spans.Ended, span => span.TraceId == trace && span.Source.Name == "MassTransit" && span.Kind == ActivityKind.Consumer);
    }

    [Fact]
    public async Task Should_not_trace_health_probes_or_metric_scrapes()
    {
        var spans = new RecordedSpans();
        var builder = TelemetryWebHost.CreateBuilder(infrastructure.Settings);
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(spans));
        await using var app = builder.Build();
        app.MapClayBusHealth();
        app.MapGet("/work", () => "done");
        using var client = await TelemetryWebHost.StartAsync(app);

        (await client.GetAsync(new Uri("/health/live", UriKind.Relative))).Dispose();
        (await client.GetAsync(new Uri("/metrics", UriKind.Relative))).Dispose();
        (await client.GetAsync(new Uri("/work", UriKind.Relative))).Dispose();
        // ASP.NET Core's spans are process-wide: keep this host's only (other specs run beside this one).
        var port = new Uri(app.Urls.Single()).Port;
        bool Mine(Activity span) => span.Kind == ActivityKind.Server && Equals(span.GetTagItem("server.port"), port);
        await Eventually.Until(() => spans.Ended.Any(Mine), TimeSpan.FromSeconds(10), "the /work span");
        await app.StopAsync();

        var server = Assert.Single(spans.Ended, Mine);
        Assert.Equal("GET /work", server.DisplayName);
    }

    [Fact]
    public async Task Should_export_outgoing_calls_without_the_secret_part_of_their_URL()
    {
        var spans = new RecordedSpans();
        var builder = TelemetryWebHost.CreateBuilder(infrastructure.Settings);
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(spans));
        await using var app = builder.Build();
        app.MapPost("/webhooks/{id}", () => Results.Ok());
        using var client = await TelemetryWebHost.StartAsync(app);

        // The shape of a Clay webhook: its id is the credential.
        var webhook = new Uri(client.BaseAddress!, "/webhooks/pull-in-data-7c0e2b1f-secret-d41d8c");
        (await client.PostAsync(webhook, content: null)).Dispose();
        bool Mine(Activity span) => span.Kind == ActivityKind.Client && Equals(span.GetTagItem("server.port"), webhook.Port);
        await Eventually.Until(() => spans.Ended.Any(Mine), TimeSpan.FromSeconds(10), "the outgoing call's span");
        await app.StopAsync();

        var call = Assert.Single(spans.Ended, Mine);
        Assert.Equal($"http://{webhook.Authority}/…d41d8c", call.GetTagItem("url.full"));
    }

    private static HashSet<ActivityKind> Kinds(RecordedSpans spans, ActivityTraceId trace) =>
        [.. spans.Ended.Where(span => span.TraceId == trace).Select(span => span.Kind)];
}
