using ClayBus.Contracts.Credits;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Budget;

public sealed class BudgetExhaustedConsumer(BudgetViewStore store, ILogger<BudgetExhaustedConsumer> logger) : IConsumer<BudgetExhausted>
{
    public async Task Consume(ConsumeContext<BudgetExhausted> context)
    {
        var message = context.Message;
        await store.UpdateAsync(view => view.Apply(message));
        logger.LogError("Budget exhausted on {Day}: {Used} of {Limit} credits; deliveries pause until the reset", message.Day, message.Used, message.Limit);
    }
}

public sealed class BudgetExhaustedConsumerDefinition : ConsumerDefinition<BudgetExhaustedConsumer>
{
    public BudgetExhaustedConsumerDefinition()
    {
        EndpointName = BudgetViewSetup.EndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<BudgetExhaustedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000);
        });
}
