using ClayBus.Contracts.Delivery;
using MassTransit;

namespace ClayBus.Monitor.Status;

/// <summary>Webhook usage for the status API: each delivery reports the webhook's lifetime count.</summary>
public sealed class BatchDeliveredConsumer(WebhookViewStore store) : IConsumer<BatchDelivered>
{
    public Task Consume(ConsumeContext<BatchDelivered> context)
    {
        var message = context.Message;
        return store.RecordDeliveryAsync(
            message.TableKey, message.Webhook, message.WebhookRecordsUsed, message.WebhookRecordsCap, message.SentRowIds.Count, message.BatchId, message.DeliveredAt);
    }
}

public sealed class BatchDeliveredConsumerDefinition : ConsumerDefinition<BatchDeliveredConsumer>
{
    public BatchDeliveredConsumerDefinition()
    {
        EndpointName = StatusSetup.WebhookEndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<BatchDeliveredConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry => retry.Intervals(100, 500, 1000));
}
