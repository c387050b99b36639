using ClayBus.Contracts.Delivery;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Status;

/// <summary>Removes the Enricher's pause for that reason (a resume that overtook its pause is remembered instead).</summary>
public sealed partial class DeliveryResumedConsumer(EnricherPauseStore store, ILogger<DeliveryResumedConsumer> logger) : IConsumer<DeliveryResumed>
{
    public async Task Consume(ConsumeContext<DeliveryResumed> context)
    {
        var message = context.Message;
        if (await store.ResumedAsync(message.Instance, message.Reason, message.At))
        {
            LogResumed(message.Instance, message.Reason);
        }
    }

    [LoggerMessage(LogLevel.Information, "Enricher {Instance} no longer paused for {Reason}")]
    private partial void LogResumed(string instance, PauseReason reason);
}

public sealed class DeliveryResumedConsumerDefinition : ConsumerDefinition<DeliveryResumedConsumer>
{
    public DeliveryResumedConsumerDefinition()
    {
        EndpointName = StatusSetup.EnricherEndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DeliveryResumedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000);
        });
}
