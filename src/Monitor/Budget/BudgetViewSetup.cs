using ClayBus.Contracts.Credits;
using ClayBus.ServiceDefaults.Configuration;
using MassTransit;

namespace ClayBus.Monitor.Budget;

public static class BudgetViewSetup
{
    public const string EndpointName = "monitor-budget";

    public static IHostApplicationBuilder AddBudgetTracking(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<BudgetViewOptions>(BudgetViewOptions.Section)
            .PostConfigure<IConfiguration>((options, configuration) => options.ApplyRetiredKeys(configuration.GetSection(BudgetViewOptions.Section)));
        builder.Services.AddHostedService<RetiredBudgetKeyWarning>();
        builder.Services.AddSingleton<BudgetViewStore>();
        builder.Services.AddSingleton<BudgetAnomalyStore>();
        builder.Services.AddSingleton<BudgetAnomalyMetrics>();
        builder.Services.AddScoped<BudgetStatusClient>();
        builder.Services.AddSingleton<PendingJobs>();
        builder.Services.AddScoped<BudgetReporter>();
        builder.Services.AddHostedService<BurnSampler>();
        return builder;
    }

    public static IBusRegistrationConfigurator AddBudgetConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<BudgetThresholdReachedConsumer, BudgetThresholdReachedConsumerDefinition>();
        bus.AddConsumer<BudgetExhaustedConsumer, BudgetExhaustedConsumerDefinition>();
        bus.AddConsumer<BudgetResetConsumer, BudgetResetConsumerDefinition>();
        bus.AddConsumer<BudgetLimitChangedConsumer, BudgetLimitChangedConsumerDefinition>();
        bus.AddConsumer<BudgetAnomalyConsumer, BudgetAnomalyConsumerDefinition>();
        bus.AddRequestClient<GetBudgetStatus>();
        return bus;
    }
}
