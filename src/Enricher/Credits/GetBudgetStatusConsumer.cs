using ClayBus.Contracts.Credits;
using MassTransit;

namespace ClayBus.Enricher.Credits;

/// <summary>Answers the Submitter's admission and the Monitor's status with today's figures.</summary>
public sealed class GetBudgetStatusConsumer(CreditLedger ledger) : IConsumer<GetBudgetStatus>
{
    public async Task Consume(ConsumeContext<GetBudgetStatus> context) =>
        await context.RespondAsync(await ledger.StatusAsync(context.Message.At));
}
