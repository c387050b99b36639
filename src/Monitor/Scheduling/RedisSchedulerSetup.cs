using ClayBus.ServiceDefaults.Configuration;
using MassTransit;

namespace ClayBus.Monitor.Scheduling;

/// <summary>
/// MassTransit's scheduler contract on Redis: <c>Schedule(...)</c>, <c>ScheduleSend</c> and scheduled redelivery
/// send commands to <c>queue:scheduler</c>, this process stores them and sends them when due. Replaces the
/// delayed-message exchange, which this RabbitMQ does not have.
/// </summary>
public static class RedisSchedulerSetup
{
    public static IHostApplicationBuilder AddRedisScheduler(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RedisSchedulerOptions>(RedisSchedulerOptions.Section);
        builder.Services.AddSingleton<ScheduledMessageStore>();
        builder.Services.AddHostedService<ScheduledMessageForwarder>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddRedisScheduler(this IBusRegistrationConfigurator bus, IConfiguration configuration)
    {
        bus.AddMessageScheduler(SchedulerAddress(configuration));
        bus.AddConsumer<ScheduleMessageConsumer, ScheduleMessageConsumerDefinition>();
        bus.AddConsumer<CancelScheduledMessageConsumer, CancelScheduledMessageConsumerDefinition>();
        return bus;
    }

    public static void UseRedisScheduler(this IBusFactoryConfigurator bus, IConfiguration configuration) =>
        bus.UseMessageScheduler(SchedulerAddress(configuration));

    private static Uri SchedulerAddress(IConfiguration configuration) =>
        (configuration.GetSection(RedisSchedulerOptions.Section).Get<RedisSchedulerOptions>() ?? new RedisSchedulerOptions()).Address;
}
