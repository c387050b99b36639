using ClayBus.Contracts.Credits;
using MassTransit;

namespace ClayBus.Enricher.Credits;

/// <summary>
/// The operator's new limit: kept in Redis for every instance. A raise (or room in an exhausted budget) publishes
/// <see cref="BudgetReset"/>, so paused deliveries resume and held jobs are released.
/// </summary>
public sealed class ChangeBudgetLimitConsumer(CreditStore ledger, TimeProvider time, ILogger<ChangeBudgetLimitConsumer> logger) : IConsumer<ChangeBudgetLimit>
{
    public async Task Consume(ConsumeContext<ChangeBudgetLimit> context)
    {
        var change = context.Message;
        if (change.DailyLimit < 0 || change.MonthlyLimit < -1 || change.ActionsDailyLimit < -1 || change.ActionsMonthlyLimit < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(context), "DailyLimit must not be negative; MonthlyLimit and the Actions limits must be −1 (none) or more");
        }

        var (old, freed) = await ledger.ChangeLimitAsync(change.DailyLimit, change.MonthlyLimit, change.ActionsDailyLimit, change.ActionsMonthlyLimit);
        var now = time.GetUtcNow();
        logger.LimitChanged(old, change.DailyLimit, change.RequestedBy);
        await context.Publish(new BudgetLimitChanged(old, change.DailyLimit, change.MonthlyLimit, change.RequestedBy, now));
        // A raise is a new allowance for today: jobs the Submitter holds for budget get their chance, as at midnight.
        if (freed || change.DailyLimit > old)
        {
            await context.Publish(new BudgetReset(ledger.Today, change.DailyLimit, now));
        }
    }
}
