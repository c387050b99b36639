using ClayBus.ServiceDefaults.Configuration;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Submitter.Routing;

public static class RoutingSetup
{
    public static IHostApplicationBuilder AddTableRouting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<TablesOptions>()
            .Configure<IConfiguration>((options, configuration) => configuration.GetSection(TablesOptions.Section).Bind(options.Tables))
            .ValidateOnStart();
        builder.Services.AddValidatedOptions<RoutingOptions>(RoutingOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<RoutingOptions>, RoutingValidation>();
        builder.Services.AddSingleton(provider => new TableRouter(
            provider.GetRequiredService<IOptions<RoutingOptions>>().Value,
            provider.GetRequiredService<IOptions<TablesOptions>>().Value.Tables));
        builder.Services.AddSingleton<TableReroutes>();
        return builder;
    }

    public static void AddRoutingConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<TableRouteChangedConsumer>();
}
