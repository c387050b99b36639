using ClayBus.Enricher.Credits;
using ClayBus.Enricher.Idempotency;
using ClayBus.Enricher.Pausing;
using ClayBus.ServiceDefaults.Configuration;
using MassTransit;

namespace ClayBus.Enricher.Delivery;

public static class DeliverySetup
{
    /// <summary>Batch delivery (<c>Delivery</c> section), row idempotency, pausing and the readiness check.</summary>
    public static IHostApplicationBuilder AddDelivery(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<DeliveryOptions>(DeliveryOptions.Section);
        builder.Services.AddMetrics();
        builder.Services.AddSingleton<DeliveryMetrics>();
        builder.Services.AddSingleton<RowClaims>();
        builder.Services.AddSingleton<CancelledJobs>();
        builder.Services.AddScoped<BatchSender>();
        builder.Services.AddSingleton<DeliveryPause>();
        builder.Services.AddSingleton<ClayHealth>();
        builder.Services.AddReceiveEndpointObserver(provider => provider.GetRequiredService<DeliveryPause>());
        builder.Services.AddHostedService<PauseSupervisor>();
        builder.Services.AddHealthChecks().AddCheck<DeliveryHealthCheck>("delivery", tags: ["ready"]);
        return builder;
    }

    /// <summary>Every consumer of the Enricher, each on its own endpoint.</summary>
    public static void AddEnricherConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<DeliverBatchConsumer, DeliverBatchConsumerDefinition>();
        bus.AddConsumer<DeliverHighBatchConsumer, DeliverHighBatchConsumerDefinition>();
        bus.AddConsumer<DeliverLowBatchConsumer, DeliverLowBatchConsumerDefinition>();
        bus.AddConsumer<JobCancelledConsumer, JobCancelledConsumerDefinition>();
        bus.AddConsumer<CreditSettlementConsumer, CreditSettlementConsumerDefinition>();
        bus.AddConsumer<GetBudgetStatusConsumer>();
        bus.AddConsumer<ChangeBudgetLimitConsumer>();
        bus.AddConsumer<ReleaseTableHoldConsumer>();
    }
}
