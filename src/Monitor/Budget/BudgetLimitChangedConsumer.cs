using ClayBus.Contracts.Credits;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Budget;

/// <summary>The ledger confirmed a new limit: the audit trail records what was applied, beside what was requested.</summary>
public sealed class BudgetLimitChangedConsumer(BudgetViewStore store, ILogger<BudgetLimitChangedConsumer> logger) : IConsumer<BudgetLimitChanged>
{
    public async Task Consume(ConsumeContext<BudgetLimitChanged> context)
    {
        var message = context.Message;
        await store.AppendAuditAsync(new BudgetAuditEntry("applied", message.RequestedBy, message.At, message.OldDailyLimit, message.DailyLimit, message.MonthlyLimit));
        await store.UpdateAsync(view => view with { Limit = message.DailyLimit });
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation(
                "Daily credit limit changed from {OldLimit} to {NewLimit} by {Operator}",
                message.OldDailyLimit, message.DailyLimit, message.RequestedBy);
        }
    }
}

public sealed class BudgetLimitChangedConsumerDefinition : ConsumerDefinition<BudgetLimitChangedConsumer>
{
    public BudgetLimitChangedConsumerDefinition()
    {
        EndpointName = BudgetViewSetup.EndpointName;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<BudgetLimitChangedConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000);
        });
}
