using ClayBus.Contracts.Credits;
using MassTransit;

namespace ClayBus.Enricher.Credits;

/// <summary>Answers the Submitter's admission and the Monitor's status with today's figures in both meters.</summary>
public sealed class GetBudgetStatusConsumer(CreditStore ledger, TableHolds holds) : IConsumer<GetBudgetStatus>
{
    public async Task Consume(ConsumeContext<GetBudgetStatus> context)
    {
        var status = await ledger.StatusAsync(context.Message.At);
        await context.RespondAsync(status with { HeldTables = await holds.HeldTablesAsync() });
    }
}
