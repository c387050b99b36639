using ClayBus.ServiceDefaults.Messaging;
using ClayBus.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace ClayBus.ServiceDefaults.Tests.Messaging;

public record OutageProbed(Guid Id);

public record OutageProbedWithoutIgnore(Guid Id);

/// <summary>Counts attempts and fails the first few as Redis does while it restarts.</summary>
public sealed class RedisOutage
{
    public const int FailedAttempts = 4;

    private int _probed;
    private int _probedWithoutIgnore;

    public int Probed => Volatile.Read(ref _probed);

    public int ProbedWithoutIgnore => Volatile.Read(ref _probedWithoutIgnore);

    private static void Attempt(ref int attempts)
    {
        if (Interlocked.Increment(ref attempts) <= FailedAttempts)
        {
            throw new RedisConnectionException(ConnectionFailureType.SocketFailure, CommandFlags.None, "Redis is restarting");
        }
    }

    public void AttemptProbed() => Attempt(ref _probed);

    public void AttemptProbedWithoutIgnore() => Attempt(ref _probedWithoutIgnore);
}

public sealed class OutageProbedConsumer(RedisOutage outage) : IConsumer<OutageProbed>
{
    public Task Consume(ConsumeContext<OutageProbed> context)
    {
        outage.AttemptProbed();
        return Task.CompletedTask;
    }
}

public sealed class OutageProbedConsumerDefinition : ConsumerDefinition<OutageProbedConsumer>
{
    public OutageProbedConsumerDefinition() => EndpointName = "outage-probed";

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<OutageProbedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(10, 10);
        });
}

public sealed class OutageProbedWithoutIgnoreConsumer(RedisOutage outage) : IConsumer<OutageProbedWithoutIgnore>
{
    public Task Consume(ConsumeContext<OutageProbedWithoutIgnore> context)
    {
        outage.AttemptProbedWithoutIgnore();
        return Task.CompletedTask;
    }
}

public sealed class OutageProbedWithoutIgnoreConsumerDefinition : ConsumerDefinition<OutageProbedWithoutIgnoreConsumer>
{
    public OutageProbedWithoutIgnoreConsumerDefinition() => EndpointName = "outage-probed-without-ignore";

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<OutageProbedWithoutIgnoreConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(10, 10));
}

[Trait("Category", "Integration")]
public class RedisOutageRetrySpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_wait_out_a_redis_restart_past_the_endpoints_own_retry_and_dead_letter_nothing()
    {
        var outage = new RedisOutage();
        var builder = Host.CreateApplicationBuilder();
        foreach (var (key, value) in infrastructure.Settings)
        {
            builder.Configuration[key] = value;
        }

        builder.Services.AddSingleton(outage);
        builder.AddClayBusMessaging(bus =>
        {
            bus.AddConsumer<OutageProbedConsumer, OutageProbedConsumerDefinition>();
            bus.AddConsumer<OutageProbedWithoutIgnoreConsumer, OutageProbedWithoutIgnoreConsumerDefinition>();
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var bus = host.Services.GetRequiredService<IBus>();
            await bus.Publish(new OutageProbed(NewId.NextGuid()));
            await bus.Publish(new OutageProbedWithoutIgnore(NewId.NextGuid()));

            // The endpoint's own retry allows three attempts; the outage lasts four, so only the bus-level retry
            // can carry the message through it.
            await Eventually.Until(() => outage.Probed > RedisOutage.FailedAttempts, TimeSpan.FromSeconds(60), "the probe to be consumed after the outage");
            await Eventually.Until(
                async () => await infrastructure.Rabbit.QueueDepthAsync("outage-probed-without-ignore_error") == 1,
                TimeSpan.FromSeconds(60),
                "the control without IgnoreRedisOutages to be dead-lettered");
        }
        finally
        {
            await host.StopAsync();
        }

        Assert.Equal(RedisOutage.FailedAttempts + 1, outage.Probed);
        Assert.Equal(-1, await infrastructure.Rabbit.QueueDepthAsync("outage-probed_error")); // never created: nothing was dead-lettered
        Assert.Equal(3, outage.ProbedWithoutIgnore);
    }
}
