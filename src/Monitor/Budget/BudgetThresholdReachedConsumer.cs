using ClayBus.Contracts.Credits;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Budget;

public sealed class BudgetThresholdReachedConsumer(BudgetViewStore store, ILogger<BudgetThresholdReachedConsumer> logger) : IConsumer<BudgetThresholdReached>
{
    public async Task Consume(ConsumeContext<BudgetThresholdReached> context)
    {
        var message = context.Message;
        await store.UpdateAsync(view => view.Apply(message));
        logger.LogWarning("Budget alert: {Used} of {Limit} credits used on {Day} ({Share:P0})", message.Used, message.Limit, message.Day, message.Share);
    }
}

public sealed class BudgetThresholdReachedConsumerDefinition : ConsumerDefinition<BudgetThresholdReachedConsumer>
{
    public BudgetThresholdReachedConsumerDefinition()
    {
        EndpointName = BudgetViewSetup.EndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<BudgetThresholdReachedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000);
        });
}
