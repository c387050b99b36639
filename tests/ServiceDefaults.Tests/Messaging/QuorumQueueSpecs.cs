using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.ServiceDefaults.Messaging;
using ClayBus.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClayBus.ServiceDefaults.Tests.Messaging;

public record QuorumPinged(Guid Id);

public record PriorityPinged(Guid Id);

public record ClassicPinged(Guid Id);

public record QuorumFailed(Guid Id);

public sealed class Received<T>
{
    public TaskCompletionSource<T> Message { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

public sealed class QuorumPingedConsumer(Received<QuorumPinged> received) : IConsumer<QuorumPinged>
{
    public Task Consume(ConsumeContext<QuorumPinged> context)
    {
        received.Message.TrySetResult(context.Message);
        return Task.CompletedTask;
    }
}

public sealed class PriorityPingedConsumer(Received<PriorityPinged> received) : IConsumer<PriorityPinged>
{
    public Task Consume(ConsumeContext<PriorityPinged> context)
    {
        received.Message.TrySetResult(context.Message);
        return Task.CompletedTask;
    }
}

/// <summary>Declares its queue as the Enricher declares deliver-batch: a classic priority queue.</summary>
public sealed class PriorityPingedConsumerDefinition : ConsumerDefinition<PriorityPingedConsumer>
{
    public PriorityPingedConsumerDefinition() => EndpointName = "priority-pinged";

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<PriorityPingedConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
        {
            rabbit.EnablePriority(10);
        }
    }
}

public sealed class ClassicPingedConsumer(Received<ClassicPinged> received) : IConsumer<ClassicPinged>
{
    public Task Consume(ConsumeContext<ClassicPinged> context)
    {
        received.Message.TrySetResult(context.Message);
        return Task.CompletedTask;
    }
}

public sealed class QuorumFailedConsumer : IConsumer<QuorumFailed>
{
    public Task Consume(ConsumeContext<QuorumFailed> context) => throw new InvalidOperationException("poison, for the error queue");
}

[Trait("Category", "Integration")]
public class QuorumQueueSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_declare_endpoints_as_quorum_queues_and_deliver_through_them_when_enabled()
    {
        using var host = await StartAsync(quorumQueues: true, bus => bus.AddConsumer<QuorumPingedConsumer>());

        var sent = new QuorumPinged(NewId.NextGuid());
        await host.Services.GetRequiredService<IBus>().Publish(sent);
        var got = await host.Services.GetRequiredService<Received<QuorumPinged>>().Message.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var queue = await QueueAsync("quorum-pinged");
        await host.StopAsync();

        Assert.Equal(sent, got);
        Assert.Equal("quorum", queue.GetProperty("type").GetString());
        Assert.Equal("quorum", queue.GetProperty("arguments").GetProperty("x-queue-type").GetString());
    }

    [Fact]
    public async Task Should_dead_letter_into_a_quorum_error_queue_when_enabled()
    {
        using var host = await StartAsync(quorumQueues: true, bus => bus.AddConsumer<QuorumFailedConsumer>());

        await host.Services.GetRequiredService<IBus>().Publish(new QuorumFailed(NewId.NextGuid()));
        await Eventually.Until(
            async () => await infrastructure.Rabbit.QueueDepthAsync("quorum-failed_error") == 1,
            TimeSpan.FromSeconds(30),
            "the failed message in quorum-failed_error");
        var queue = await QueueAsync("quorum-failed_error");
        await host.StopAsync();

        Assert.Equal("quorum", queue.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Should_keep_a_priority_queue_classic_when_enabled()
    {
        using var host = await StartAsync(quorumQueues: true, bus => bus.AddConsumer<PriorityPingedConsumer, PriorityPingedConsumerDefinition>());

        var sent = new PriorityPinged(NewId.NextGuid());
        await host.Services.GetRequiredService<IBus>().Publish(sent, context => context.SetPriority(7));
        var got = await host.Services.GetRequiredService<Received<PriorityPinged>>().Message.Task.WaitAsync(TimeSpan.FromSeconds(30));
        var queue = await QueueAsync("priority-pinged");
        await host.StopAsync();

        Assert.Equal(sent, got);
        Assert.Equal("classic", queue.GetProperty("type").GetString());
        Assert.Equal(10, queue.GetProperty("arguments").GetProperty("x-max-priority").GetInt32());
        Assert.False(queue.GetProperty("arguments").TryGetProperty("x-queue-type", out _));
    }

    [Fact]
    public async Task Should_keep_classic_queues_by_default()
    {
        using var host = await StartAsync(quorumQueues: null, bus => bus.AddConsumer<ClassicPingedConsumer>());

        var queue = await QueueAsync("classic-pinged");
        await host.StopAsync();

        Assert.Equal("classic", queue.GetProperty("type").GetString());
    }

    private async Task<IHost> StartAsync(bool? quorumQueues, Action<IBusRegistrationConfigurator> consumers)
    {
        var builder = Host.CreateApplicationBuilder();
        foreach (var (key, value) in infrastructure.Settings)
        {
            builder.Configuration[key] = value;
        }

        if (quorumQueues is { } enabled)
        {
            builder.Configuration["RabbitMq:QuorumQueues"] = enabled ? "true" : "false";
        }

        builder.Services.AddSingleton<Received<QuorumPinged>>();
        builder.Services.AddSingleton<Received<PriorityPinged>>();
        builder.Services.AddSingleton<Received<ClassicPinged>>();
        builder.AddClayBusMessaging(consumers);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }

    private async Task<JsonElement> QueueAsync(string name)
    {
        var management = infrastructure.Rabbit.Management;
        return await management.GetFromJsonAsync<JsonElement>($"queues/{infrastructure.Rabbit.EscapedName}/{Uri.EscapeDataString(name)}");
    }
}
