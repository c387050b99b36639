using MassTransit;

namespace ClayBus.Monitor.Lineage;

public static class LineageSetup
{
    public static IHostApplicationBuilder AddLineage(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RowLineageStore>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddLineage(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<BatchDeliveredConsumer, BatchDeliveredConsumerDefinition>();
        bus.AddConsumer<DeliverBatchFaultConsumer, DeliverBatchFaultConsumerDefinition>();
        return bus;
    }
}
