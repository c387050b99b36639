using ClayBus.ServiceDefaults.Messaging;
using ClayBus.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClayBus.ServiceDefaults.Tests.Messaging;

public record WatchdogPinged(Guid Id);

public sealed class WatchdogPingedConsumer(WatchdogEndpoints seen) : IConsumer<WatchdogPinged>
{
    public Task Consume(ConsumeContext<WatchdogPinged> context)
    {
        seen.Consumed.TryAdd(context.Message.Id, true);
        return Task.CompletedTask;
    }
}

/// <summary>Hands the test the receive endpoint it stops, standing in for an endpoint that lost its broker consumer.</summary>
public sealed class WatchdogEndpoints : IReceiveEndpointObserver
{
    public const string Queue = "watchdog-pinged";

    public System.Collections.Concurrent.ConcurrentDictionary<Guid, bool> Consumed { get; } = new();

    public IReceiveEndpoint? Endpoint { get; private set; }

    public Task Ready(ReceiveEndpointReady ready)
    {
        if (ready.InputAddress.AbsolutePath.EndsWith("/" + Queue, StringComparison.Ordinal))
        {
            Endpoint = ready.ReceiveEndpoint;
        }

        return Task.CompletedTask;
    }

    public Task Stopping(ReceiveEndpointStopping stopping) => Task.CompletedTask;

    public Task Completed(ReceiveEndpointCompleted completed) => Task.CompletedTask;

    public Task Faulted(ReceiveEndpointFaulted faulted) => Task.CompletedTask;
}

/// <summary>Records the exit instead of ending the test process.</summary>
public sealed class RecordedExit : IStalledProcessExit
{
    private readonly TaskCompletionSource<string> _stalled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Task<string> Stalled => _stalled.Task;

    public void Exit(string stalledQueues) => _stalled.TrySetResult(stalledQueues);
}

/// <summary>Stands in for the Enricher's pause: the test says when the endpoint is stopped on purpose.</summary>
public sealed class TestPause : IDeliberateEndpointStops
{
    private volatile bool _paused;

    public bool Paused
    {
        get => _paused;
        set => _paused = value;
    }

    public bool IsStoppedOnPurpose(string queue) => Paused && queue == WatchdogEndpoints.Queue;
}

[Trait("Category", "Integration")]
public class ConsumerWatchdogSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_leave_a_process_alone_while_it_stopped_the_endpoint_on_purpose_and_end_it_once_the_pause_is_over()
    {
        var pause = new TestPause();
        var (host, endpoints, exit, watchdog) = await StartAsync(services => services.AddSingleton<IDeliberateEndpointStops>(pause));
        try
        {
            pause.Paused = true;
            await endpoints.Endpoint!.Stop();
            // Three times the stall time with the queue consumer-less: a pause, so no exit.
            var finished = await Task.WhenAny(exit.Stalled, Task.Delay(TimeSpan.FromSeconds(15)));
            Assert.NotSame(exit.Stalled, finished);

            // The pause is over but the consumer never came back: now it is a stall.
            pause.Paused = false;
            Assert.Equal(WatchdogEndpoints.Queue, await exit.Stalled.WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains(WatchdogEndpoints.Queue, watchdog.WatchedQueues);
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private async Task<(IHost Host, WatchdogEndpoints Endpoints, RecordedExit Exit, ConsumerWatchdog Watchdog)> StartAsync(
        Action<IServiceCollection> services, IReadOnlyDictionary<string, string>? settings = null)
    {
        var endpoints = new WatchdogEndpoints();
        var exit = new RecordedExit();
        var builder = Host.CreateApplicationBuilder();
        foreach (var (key, value) in infrastructure.Settings)
        {
            builder.Configuration[key] = value;
        }

        builder.Configuration["ConsumerWatchdog:IntervalSeconds"] = "1";
        builder.Configuration["ConsumerWatchdog:StallSeconds"] = "5";
        builder.Configuration["ConsumerWatchdog:JitterSeconds"] = "0";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            builder.Configuration[key] = value;
        }

        builder.Services.AddSingleton(endpoints);
        builder.Services.AddSingleton<IStalledProcessExit>(exit);
        builder.Services.AddReceiveEndpointObserver(provider => provider.GetRequiredService<WatchdogEndpoints>());
        services(builder.Services);
        builder.AddClayBusMessaging(bus => bus.AddConsumer<WatchdogPingedConsumer>());
        builder.AddConsumerWatchdog();
        var host = builder.Build();
        await host.StartAsync();
        await Eventually.Until(() => endpoints.Endpoint is not null, TimeSpan.FromSeconds(30), "the endpoint to be ready");
        var watchdog = host.Services.GetServices<IHostedService>().OfType<ConsumerWatchdog>().Single();
        await Eventually.Until(() => watchdog.WatchedQueues.Contains(WatchdogEndpoints.Queue), TimeSpan.FromSeconds(30), "the watchdog to see this process consume from the queue");
        return (host, endpoints, exit, watchdog);
    }

    [Fact]
    public async Task Should_end_the_process_for_its_supervisor_when_a_queue_it_consumed_from_keeps_no_consumer()
    {
        var endpoints = new WatchdogEndpoints();
        var exit = new RecordedExit();
        var builder = Host.CreateApplicationBuilder();
        foreach (var (key, value) in infrastructure.Settings)
        {
            builder.Configuration[key] = value;
        }

        builder.Configuration["ConsumerWatchdog:IntervalSeconds"] = "1";
        builder.Configuration["ConsumerWatchdog:StallSeconds"] = "5";
        builder.Services.AddSingleton(endpoints);
        builder.Services.AddSingleton<IStalledProcessExit>(exit);
        builder.Services.AddReceiveEndpointObserver(provider => provider.GetRequiredService<WatchdogEndpoints>());
        builder.AddClayBusMessaging(bus => bus.AddConsumer<WatchdogPingedConsumer>());
        builder.AddConsumerWatchdog();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            await Eventually.Until(() => endpoints.Endpoint is not null, TimeSpan.FromSeconds(30), "the endpoint to be ready");
            // The watchdog learns which queues this process consumes from by seeing its consumer there once.
            var watchdog = host.Services.GetServices<IHostedService>().OfType<ConsumerWatchdog>().Single();
            await Eventually.Until(() => watchdog.WatchedQueues.Contains(WatchdogEndpoints.Queue), TimeSpan.FromSeconds(30), "the watchdog to see this process consume from the queue");

            // What MassTransit got wrong after a broker restart: the queue has no consumer of this process.
            var stoppedAt = TimeProvider.System.GetTimestamp();
            await endpoints.Endpoint!.Stop();

            var stalled = await exit.Stalled.WaitAsync(TimeSpan.FromSeconds(60));

            Assert.Equal(WatchdogEndpoints.Queue, stalled);
            Assert.True(TimeProvider.System.GetElapsedTime(stoppedAt) >= TimeSpan.FromSeconds(5), "the watchdog must wait out StallSeconds before it ends the process");
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task Should_ask_another_node_when_the_management_api_it_asked_is_lost()
    {
        // The first node's management API is gone (a closed port); the broker's own answers on the second.
        var lost = FreeTcpPort().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var (host, endpoints, exit, _) = await StartAsync(_ => { }, new Dictionary<string, string>
        {
            ["RabbitMq:ManagementPort"] = lost,
            ["RabbitMq:ManagementNodes"] = $"127.0.0.1:{lost},{TestInfrastructure.RabbitHost}:{TestInfrastructure.RabbitManagementPort}",
        });
        try
        {
            await endpoints.Endpoint!.Stop();

            Assert.Equal(WatchdogEndpoints.Queue, await exit.Stalled.WaitAsync(TimeSpan.FromSeconds(60)));
        }
        finally
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private static int FreeTcpPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
