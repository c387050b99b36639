using ClayBus.Contracts.Tracking;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Providers;

public sealed class RowEnrichedConsumer(ProviderHealthTracker tracker) : IConsumer<RowEnriched>
{
    public async Task Consume(ConsumeContext<RowEnriched> context)
    {
        foreach (var change in await tracker.ObserveAsync(context.Message.Providers))
        {
            await context.Publish(change, change.GetType());
        }
    }
}

public sealed class RowEnrichedConsumerDefinition : ConsumerDefinition<RowEnrichedConsumer>
{
    public RowEnrichedConsumerDefinition()
    {
        EndpointName = ProviderHealthSetup.EndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<RowEnrichedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000);
        });
}
