using ClayBus.Contracts.Credits;
using ClayBus.ServiceDefaults.Configuration;
using MassTransit;

namespace ClayBus.Submitter.Admission;

public static class AdmissionSetup
{
    public static IHostApplicationBuilder AddAdmission(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<AdmissionOptions>(AdmissionOptions.Section);
        builder.Services.AddSingleton<HeldBatches>();
        builder.Services.AddSingleton<StagedBatches>();
        builder.Services.AddScoped<BudgetGate>();
        builder.Services.AddSingleton<HeldBatchRetry>();
        builder.Services.AddHostedService(services => services.GetRequiredService<HeldBatchRetry>());
        return builder;
    }

    public static void AddAdmissionConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddRequestClient<GetBudgetStatus>();
        bus.AddConsumer<BudgetResetConsumer, BudgetResetConsumerDefinition>();
    }
}
