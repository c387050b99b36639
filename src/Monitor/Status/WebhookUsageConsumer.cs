using ClayBus.Contracts.Delivery;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Status;

/// <summary>Webhook usage for the status API (each delivery reports the webhook's lifetime count), and the job index.</summary>
public sealed class WebhookUsageConsumer(WebhookViewStore store, JobIndex jobs) : IConsumer<BatchDelivered>
{
    public async Task Consume(ConsumeContext<BatchDelivered> context)
    {
        var message = context.Message;
        await store.RecordDeliveryAsync(
            message.TableKey, message.Webhook, message.WebhookRecordsUsed, message.WebhookRecordsCap, message.SentRowIds.Count, message.BatchId, message.DeliveredAt);
        await jobs.AddAsync(message.JobId, message.DeliveredAt);
    }
}

public sealed class WebhookUsageConsumerDefinition : ConsumerDefinition<WebhookUsageConsumer>
{
    public WebhookUsageConsumerDefinition()
    {
        EndpointName = StatusSetup.WebhookEndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<WebhookUsageConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000);
        });
}
