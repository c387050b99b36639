using ClayBus.Contracts.Tracking;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Enricher.Credits;

/// <summary>Settles each row's reservation to what Clay charged, once per row however often the callback comes.</summary>
public sealed class CreditSettlementConsumer(CreditLedger ledger) : IConsumer<RowEnriched>, IConsumer<RowEnrichmentFailed>
{
    public Task Consume(ConsumeContext<RowEnriched> context) =>
        ledger.SettleAsync(context.Message.JobId, context.Message.RowId, context.Message.DataCredits);

    public Task Consume(ConsumeContext<RowEnrichmentFailed> context) =>
        ledger.SettleAsync(context.Message.JobId, context.Message.RowId, context.Message.DataCredits);
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
