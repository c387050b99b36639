using ClayBus.ClaySim.Callbacks;
using ClayBus.ClaySim.Faults;
using ClayBus.ClaySim.Workspace;
using Microsoft.Extensions.Options;

namespace ClayBus.ClaySim.Enrichment;

internal static class EnrichmentRegistration
{
    /// <summary>The enrichment queue and workers, the HTTP API column (callbacks) and the fault board they obey.</summary>
    public static IServiceCollection AddEnrichment(this IServiceCollection services)
    {
        services.AddSingleton<FaultBoard>();
        services.AddSingleton<EnrichmentQueue>();
        services.AddSingleton<CallbackSender>();
        services.AddHostedService<EnrichmentWorker>();
        services.AddHttpClient(CallbackSender.ClientName)
            .ConfigureHttpClient((sp, client) =>
                client.Timeout = TimeSpan.FromSeconds(sp.GetRequiredService<IOptions<ClaySimOptions>>().Value.CallbackTimeoutSeconds));
        return services;
    }
}
