using ClayBus.Contracts.Credits;
using ClayBus.Contracts.Tracking;
using ClayBus.Enricher.Delivery;
using ClayBus.Enricher.Idempotency;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Enricher.Credits;

/// <summary>
/// Settles each row's reservation to what Clay charged, once per row however often the callback comes, and only for
/// a row this job reserved for this table: anything else moves no money (counted and logged, without secrets). A
/// charge above the reservation is booked, raises <see cref="BudgetAnomaly"/> and holds the table. A callback also
/// proves that Clay stored the request its row went in, which ends the wait of an ambiguous send.
/// </summary>
public sealed class CreditSettlementConsumer(
    CreditStore ledger, TableHolds holds, RowClaims claims, DeliveryMetrics metrics, TimeProvider time, ILogger<CreditSettlementConsumer> logger)
    : IConsumer<RowEnriched>, IConsumer<RowEnrichmentFailed>
{
    public Task Consume(ConsumeContext<RowEnriched> context)
    {
        var m = context.Message;
        return SettleAsync(context, new RowCharge(m.JobId, m.RowId, m.TableKey, m.DataCredits, m.Actions, m.CreditsUnknown), m.SuccessfulProvider);
    }

    public Task Consume(ConsumeContext<RowEnrichmentFailed> context)
    {
        var m = context.Message;
        return SettleAsync(context, new RowCharge(m.JobId, m.RowId, m.TableKey, m.DataCredits, m.Actions, m.CreditsUnknown), null);
    }

    private async Task SettleAsync(ConsumeContext context, RowCharge charge, string? provider)
    {
        var settlement = await ledger.SettleAsync(charge);
        var result = settlement.Outcome.Result;
        if (result is SettlementResult.NotReserved or SettlementResult.OtherTable or SettlementResult.AmountRefused)
        {
            metrics.SettlementRefused(result.ToString(), charge.TableKey);
            logger.SettlementRefused(charge.JobId, charge.RowId, charge.TableKey, result);
            return;
        }

        // The row was ours (reserved for this job and table): its callback proves the request it went in.
        await claims.MarkProvedAsync(charge.JobId, charge.RowId);
        if (result != SettlementResult.Settled)
        {
            return;
        }

        metrics.Settled(charge.DataCredits, charge.Actions, charge.TableKey);
        if (settlement.Outcome.CreditsOverReservation)
        {
            await AnomalyAsync(context, charge, provider, Meters.DataCredits, charge.DataCredits, settlement.ReservedCredits);
        }

        if (settlement.Outcome.ActionsOverReservation)
        {
            await AnomalyAsync(context, charge, provider, Meters.Actions, charge.Actions, settlement.ReservedActions);
        }
    }

    private async Task AnomalyAsync(ConsumeContext context, RowCharge charge, string? provider, string meter, decimal charged, decimal reserved)
    {
        await holds.HoldAsync(charge.TableKey, meter, provider, charged);
        metrics.BudgetAnomaly(meter, charge.TableKey);
        logger.ChargeAboveReservation(charge.TableKey, provider, meter, charged, reserved);
        await context.Publish(new BudgetAnomaly(charge.TableKey, provider, meter, charged, reserved, charge.JobId, charge.RowId, time.GetUtcNow()));
    }
}

public sealed class CreditSettlementConsumerDefinition : ConsumerDefinition<CreditSettlementConsumer>
{
    public CreditSettlementConsumerDefinition() => EndpointName = "enricher-credit-settlement";

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<CreditSettlementConsumer> consumerConfigurator,
        IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Exponential(5, TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5), TimeSpan.FromMilliseconds(300));
        });
}
