using ClayBus.Contracts.Delivery;
using ClayBus.Monitor.Metrics;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Lineage;

/// <summary>A batch went to the dead-letter queue: its rows' lineage says so, with the Enricher's reason.</summary>
public sealed class DeliverBatchFaultConsumer(RowLineageStore lineage, MonitorMetrics metrics) : IConsumer<Fault<DeliverBatch>>
{
    public async Task Consume(ConsumeContext<Fault<DeliverBatch>> context)
    {
        var reason = context.Message.Exceptions.FirstOrDefault()?.Message ?? "unknown";
        if (await lineage.DeadLettered(context.Message.Message, reason, context.Message.Timestamp))
        {
            metrics.RowsDeadLettered(context.Message.Message.Rows.Count);
        }
    }
}

public sealed class DeliverBatchFaultConsumerDefinition : ConsumerDefinition<DeliverBatchFaultConsumer>
{
    public DeliverBatchFaultConsumerDefinition() => EndpointName = "row-lineage";

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DeliverBatchFaultConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000, 2000);
        });
}
