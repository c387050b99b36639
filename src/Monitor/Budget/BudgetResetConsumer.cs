using ClayBus.Contracts.Credits;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Budget;

public sealed class BudgetResetConsumer(BudgetViewStore store, ILogger<BudgetResetConsumer> logger) : IConsumer<BudgetReset>
{
    public async Task Consume(ConsumeContext<BudgetReset> context)
    {
        var message = context.Message;
        await store.UpdateAsync(view => view.Apply(message));
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Budget reset for {Day}: limit {Limit}; deliveries resume", message.Day, message.Limit);
        }
    }
}

public sealed class BudgetResetConsumerDefinition : ConsumerDefinition<BudgetResetConsumer>
{
    public BudgetResetConsumerDefinition()
    {
        EndpointName = BudgetViewSetup.EndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<BudgetResetConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000);
        });
}
