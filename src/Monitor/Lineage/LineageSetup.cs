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
        bus.AddConsumer<RowLineageConsumer, RowLineageConsumerDefinition>();
        bus.AddConsumer<DeliverBatchFaultConsumer, DeliverBatchFaultConsumerDefinition>();
        return bus;
    }
}
