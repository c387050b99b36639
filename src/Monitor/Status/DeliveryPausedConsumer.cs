using ClayBus.Contracts.Delivery;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Status;

/// <summary>Keeps an Enricher's pause for the status API and dashboard until its <c>DeliveryResumed</c> (or staleness).</summary>
public sealed partial class DeliveryPausedConsumer(EnricherPauseStore store, ILogger<DeliveryPausedConsumer> logger) : IConsumer<DeliveryPaused>
{
    public async Task Consume(ConsumeContext<DeliveryPaused> context)
    {
        var message = context.Message;
        if (await store.PausedAsync(new EnricherPause(message.Instance, message.Reason, message.Detail, message.At, message.ResumeProbeAt)))
        {
            LogPaused(message.Instance, message.Reason, message.Detail);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Enricher {Instance} paused delivery ({Reason}): {Detail}")]
    private partial void LogPaused(string instance, PauseReason reason, string detail);
}

public sealed class DeliveryPausedConsumerDefinition : ConsumerDefinition<DeliveryPausedConsumer>
{
    public DeliveryPausedConsumerDefinition()
    {
        EndpointName = StatusSetup.EnricherEndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DeliveryPausedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000);
        });
}
