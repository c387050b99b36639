using ClayBus.ServiceDefaults.Messaging;
using ClayBus.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace ClayBus.ServiceDefaults.Tests.Messaging;

public record SmokePinged(Guid Id, string Text);

public sealed class SmokePingedConsumer(TaskCompletionSource<SmokePinged> received) : IConsumer<SmokePinged>
{
    public Task Consume(ConsumeContext<SmokePinged> context)
    {
        received.TrySetResult(context.Message);
        return Task.CompletedTask;
    }
}

[Trait("Category", "Integration")]
public class BusSmokeSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_publish_and_consume_one_message_through_the_real_broker()
    {
        var received = new TaskCompletionSource<SmokePinged>(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = Host.CreateApplicationBuilder();
        foreach (var (key, value) in infrastructure.Settings)
        {
            builder.Configuration[key] = value;
        }

        builder.Services.AddSingleton(received);
        builder.AddClayBusMessaging(bus => bus.AddConsumer<SmokePingedConsumer>());
        using var host = builder.Build();
        await host.StartAsync();

        var sent = new SmokePinged(NewId.NextGuid(), "hello");
        await host.Services.GetRequiredService<IBus>().Publish(sent);
        var got = await received.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await host.StopAsync();

        Assert.Equal(sent, got);
        Assert.Equal(0, await infrastructure.Rabbit.QueueDepthAsync("smoke-pinged"));
    }
}
