using ClayBus.Contracts.Delivery;
using ClayBus.Monitor.Jobs;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Status;

public sealed class WebhookPoolExhaustedConsumer(WebhookViewStore store, TableBlockStore blocks, ILogger<WebhookPoolExhaustedConsumer> logger) : IConsumer<WebhookPoolExhausted>
{
    public async Task Consume(ConsumeContext<WebhookPoolExhausted> context)
    {
        var message = context.Message;
        await store.MarkAsync(message.TableKey, "exhausted", message.At);
        // Evidence for the likely cause of the table's stuck jobs.
        await blocks.RecordAsync(new TableBlock(message.TableKey, TableBlockKind.WebhookPoolExhausted, message.At, $"{message.Webhooks} webhooks"));
        logger.LogError(
            "Every webhook of table {TableKey} is spent ({Webhooks}): add a webhook to its configuration",
            message.TableKey, message.Webhooks);
    }
}

public sealed class WebhookPoolExhaustedConsumerDefinition : ConsumerDefinition<WebhookPoolExhaustedConsumer>
{
    public WebhookPoolExhaustedConsumerDefinition()
    {
        EndpointName = StatusSetup.WebhookEndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<WebhookPoolExhaustedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000);
        });
}
