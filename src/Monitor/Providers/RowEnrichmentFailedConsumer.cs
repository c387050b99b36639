using ClayBus.Contracts.Tracking;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Providers;

public sealed class RowEnrichmentFailedConsumer(ProviderHealthTracker tracker) : IConsumer<RowEnrichmentFailed>
{
    public async Task Consume(ConsumeContext<RowEnrichmentFailed> context)
    {
        foreach (var change in await tracker.ObserveAsync(context.Message.Providers))
        {
            await context.Publish(change, change.GetType());
        }
    }
}

public sealed class RowEnrichmentFailedConsumerDefinition : ConsumerDefinition<RowEnrichmentFailedConsumer>
{
    public RowEnrichmentFailedConsumerDefinition()
    {
        EndpointName = ProviderHealthSetup.EndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<RowEnrichmentFailedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000);
        });
}
