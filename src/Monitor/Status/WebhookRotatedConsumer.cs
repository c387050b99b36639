using ClayBus.Contracts.Delivery;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Status;

public sealed class WebhookRotatedConsumer(WebhookViewStore store, ILogger<WebhookRotatedConsumer> logger) : IConsumer<WebhookRotated>
{
    public async Task Consume(ConsumeContext<WebhookRotated> context)
    {
        var message = context.Message;
        await store.RecordRotationAsync(message.TableKey, message.ToWebhook, message.At);
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation(
                "Table {TableKey} rotated from webhook {FromWebhook} ({RecordsUsed} records) to {ToWebhook}",
                message.TableKey, message.FromWebhook, message.FromRecordsUsed, message.ToWebhook);
        }
    }
}

public sealed class WebhookRotatedConsumerDefinition : ConsumerDefinition<WebhookRotatedConsumer>
{
    public WebhookRotatedConsumerDefinition()
    {
        EndpointName = StatusSetup.WebhookEndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<WebhookRotatedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000);
        });
}
