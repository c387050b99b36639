using System.Globalization;
using System.Net;
using System.Net.Sockets;
using ClayBus.ServiceDefaults.Health;
using ClayBus.ServiceDefaults.Messaging;
using ClayBus.ServiceDefaults.Tests.Telemetry;
using ClayBus.Testing;
using MassTransit;
using Microsoft.AspNetCore.Builder;

namespace ClayBus.ServiceDefaults.Tests.Health;

public record ReadinessPinged(Guid Id);

public sealed class ReadinessPingedConsumer : IConsumer<ReadinessPinged>
{
    public Task Consume(ConsumeContext<ReadinessPinged> context) => Task.CompletedTask;
}

/// <summary>Hands the test the <c>readiness-pinged</c> endpoint, to stop it as the Enricher stops delivery while paused.</summary>
public sealed class ReadinessEndpointCapture : IReceiveEndpointObserver
{
    public TaskCompletionSource<IReceiveEndpoint> Endpoint { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task Ready(ReceiveEndpointReady ready)
    {
        if (ready.InputAddress.AbsolutePath.EndsWith("/readiness-pinged", StringComparison.Ordinal))
        {
            Endpoint.TrySetResult(ready.ReceiveEndpoint);
        }

        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}

/// <summary><c>/health/ready</c> follows the bus (check <c>bus</c>): not ready without a broker, ready with an endpoint stopped on purpose.</summary>
[Trait("Category", "Integration")]
public class BusReadinessSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_report_not_ready_naming_the_bus_while_its_broker_port_answers_nothing_and_ready_again_after()
    {
        using var relay = new BrokerRelay(TestInfrastructure.RabbitHost, TestInfrastructure.RabbitPort);
        await using var app = Build(relay.Port);
        using var client = await TelemetryWebHost.StartAsync(app);
        var before = await ReadyAsync(client, response => response.StatusCode == HttpStatusCode.OK, "ready before the outage");

        relay.Cut();
        var during = await ReadyAsync(client, response => response.StatusCode == HttpStatusCode.ServiceUnavailable, "not ready while nothing listens on the broker port");
        relay.Restore();
        var after = await ReadyAsync(client, response => response.StatusCode == HttpStatusCode.OK, "ready again once the broker port answers");
        await app.StopAsync();

        Assert.Contains("\"bus\":{\"status\":\"Healthy\"", before.Body, StringComparison.Ordinal);
        Assert.DoesNotContain("masstransit-bus", before.Body, StringComparison.Ordinal);
        Assert.Contains("\"bus\":{\"status\":\"Unhealthy\",\"description\":\"not connected to RabbitMQ: faulted endpoints readiness-pinged", during.Body, StringComparison.Ordinal);
        Assert.Contains("\"bus\":{\"status\":\"Healthy\"", after.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_stay_ready_with_an_endpoint_stopped_on_purpose()
    {
        var capture = new ReadinessEndpointCapture();
        await using var app = Build(TestInfrastructure.RabbitPort, capture);
        using var client = await TelemetryWebHost.StartAsync(app);
        await ReadyAsync(client, response => response.StatusCode == HttpStatusCode.OK, "ready after start");

        var endpoint = await capture.Endpoint.Task.WaitAsync(Deadline);
        await endpoint.Stop();
        var stopped = await ReadyAsync(client, response => !response.Body.Contains("\"bus\":{\"status\":\"Healthy\"", StringComparison.Ordinal), "the bus check to see the stopped endpoint");
        await app.StopAsync();

        Assert.Equal(HttpStatusCode.OK, stopped.StatusCode);
        Assert.Contains("\"bus\":{\"status\":\"Degraded\"", stopped.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_to_start_against_a_broker_port_where_nothing_listens()
    {
        var port = PortWhereNothingListens();
        await using var app = Build(port, overrides: ("RabbitMq:StartTimeoutSeconds", "2"));

        var failure = await Assert.ThrowsAnyAsync<Exception>(() => app.StartAsync());

        Assert.Contains("Broker unreachable", failure.Message, StringComparison.Ordinal);
        Assert.Contains($"localhost:{port}", failure.Message, StringComparison.Ordinal);
    }

    private WebApplication Build(int port, ReadinessEndpointCapture? capture = null, params (string Key, string Value)[] overrides)
    {
        var settings = infrastructure.Settings
            .Concat([new("RabbitMq:Port", port.ToString(CultureInfo.InvariantCulture))])
            .Concat(overrides.Select(pair => new KeyValuePair<string, string?>(pair.Key, pair.Value)));
        var builder = TelemetryWebHost.CreateBuilder(settings);
        if (capture is not null)
        {
            builder.Services.AddReceiveEndpointObserver(_ => capture);
        }

        builder.AddClayBusMessaging(bus => bus.AddConsumer<ReadinessPingedConsumer>());
        var app = builder.Build();
        app.MapClayBusHealth();
        return app;
    }

    private static async Task<(HttpStatusCode StatusCode, string Body)> ReadyAsync(
        HttpClient client,
        Func<(HttpStatusCode StatusCode, string Body), bool> accept,
        string what) =>
        await Eventually.Value(
            async () =>
            {
                using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
                return (response.StatusCode, await response.Content.ReadAsStringAsync());
            },
            accept,
            Deadline,
            what);

    private static int PortWhereNothingListens()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
