using ClayBus.ServiceDefaults.Configuration;

namespace ClayBus.Enricher.Credits;

public static class CreditsSetup
{
    /// <summary>The credit store (<c>Budget</c> section), table holds and the midnight reset.</summary>
    public static IHostApplicationBuilder AddCreditStore(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<BudgetOptions>(BudgetOptions.Section);
        builder.Services.AddSingleton<CreditStore>();
        builder.Services.AddSingleton<TableHolds>();
        builder.Services.AddHostedService<BudgetDayWatcher>();
        return builder;
    }
}
