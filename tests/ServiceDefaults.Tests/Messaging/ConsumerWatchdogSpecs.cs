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

public class ConsumerWatchdogSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_restart_the_bus_when_a_queue_it_consumed_from_keeps_no_consumer_and_consume_again()
    {
        var endpoints = new WatchdogEndpoints();
        var builder = Host.CreateApplicationBuilder();
        foreach (var (key, value) in infrastructure.Settings)
        {
            builder.Configuration[key] = value;
        }

        builder.Configuration["ConsumerWatchdog:IntervalSeconds"] = "1";
        builder.Configuration["ConsumerWatchdog:StallSeconds"] = "5";
        builder.Services.AddSingleton(endpoints);
        builder.Services.AddReceiveEndpointObserver(provider => provider.GetRequiredService<WatchdogEndpoints>());
        builder.AddClayBusMessaging(bus => bus.AddConsumer<WatchdogPingedConsumer>());
        builder.AddConsumerWatchdog();
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            await Eventually.Until(() => endpoints.Endpoint is not null, TimeSpan.FromSeconds(30), "the endpoint to be ready");
            // The watchdog learns which queues this process consumes from by seeing its consumer there once.
            var watchdog = host.Services.GetServices<IHostedService>().OfType<ConsumerWatchdog>().Single();
            await Eventually.Until(() => watchdog.WatchedQueues.Contains(WatchdogEndpoints.Queue), TimeSpan.FromSeconds(30), "the watchdog to see this process consume from the queue");

            // What MassTransit got wrong after a broker restart: the queue has no consumer of this process.
            await endpoints.Endpoint!.Stop();
            var stalled = new WatchdogPinged(NewId.NextGuid());
            await bus.Publish(stalled);

            await Eventually.Until(() => endpoints.Consumed.ContainsKey(stalled.Id), TimeSpan.FromSeconds(60), "the watchdog to restart the bus and the waiting message to be consumed");
            var after = new WatchdogPinged(NewId.NextGuid());
            await bus.Publish(after);
            await Eventually.Until(() => endpoints.Consumed.ContainsKey(after.Id), TimeSpan.FromSeconds(30), "a message published after the restart to be consumed");

            // The management API's depths lag by its statistics interval.
            await Eventually.Until(async () => await infrastructure.Rabbit.QueueDepthAsync(WatchdogEndpoints.Queue) == 0, TimeSpan.FromSeconds(30), "the queue to be empty");
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.Equal(2, endpoints.Consumed.Count);
    }
}
