using ClayBus.Contracts.Delivery;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Status;

public sealed class WebhookCapacityLowConsumer(WebhookViewStore store, ILogger<WebhookCapacityLowConsumer> logger) : IConsumer<WebhookCapacityLow>
{
    public async Task Consume(ConsumeContext<WebhookCapacityLow> context)
    {
        var message = context.Message;
        await store.MarkAsync(message.TableKey, "low", message.At);
        logger.LogWarning(
            "Webhook {Webhook} of table {TableKey} has used {RecordsUsed} of {RecordsCap} records",
            message.Webhook, message.TableKey, message.RecordsUsed, message.RecordsCap);
    }
}

public sealed class WebhookCapacityLowConsumerDefinition : ConsumerDefinition<WebhookCapacityLowConsumer>
{
    public WebhookCapacityLowConsumerDefinition()
    {
        EndpointName = StatusSetup.WebhookEndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<WebhookCapacityLowConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000);
        });
}
