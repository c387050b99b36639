using ClayBus.ServiceDefaults.Configuration;
using MassTransit;

namespace ClayBus.Monitor.Providers;

public static class ProviderHealthSetup
{
    /// <summary>One queue for every outcome provider health reads: the row events, copied from their exchanges.</summary>
    public const string EndpointName = "monitor-provider-health";

    public static IHostApplicationBuilder AddProviderHealth(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ProviderHealthOptions>(ProviderHealthOptions.Section);
        builder.Services.AddOptions<Dictionary<string, TableVariants>>().BindConfiguration("Tables");
        builder.Services.AddSingleton<ProviderHealthStore>();
        builder.Services.AddScoped<ProviderHealthTracker>();
        builder.Services.AddScoped<ProviderHealthReader>();
        builder.Services.AddHostedService<ProviderRateRefresher>();
        builder.Services.AddHostedService<RouteAnnouncer>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddProviderHealthConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<RowEnrichedConsumer, RowEnrichedConsumerDefinition>();
        bus.AddConsumer<RowEnrichmentFailedConsumer, RowEnrichmentFailedConsumerDefinition>();
        return bus;
    }
}
