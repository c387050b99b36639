using ClayBus.ServiceDefaults.Configuration;
using Microsoft.Extensions.Options;

namespace ClayBus.Enricher.ClayClient;

public static class ClayClientSetup
{
    /// <summary>The typed Clay client and its per-webhook pipelines (<c>Clay</c> section).</summary>
    public static IHostApplicationBuilder AddClayClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ClayOptions>(ClayOptions.Section);
        builder.Services.AddSingleton<ClayPipelines>();
        builder.Services
            .AddHttpClient<ClayWebhookClient>((provider, http) =>
                // Polly times each attempt; this only stops a request that somehow escaped it.
                http.Timeout = TimeSpan.FromSeconds(provider.GetRequiredService<IOptions<ClayOptions>>().Value.AttemptTimeoutSeconds * 3))
            // The default client logging writes the request URI: a webhook URL is a secret.
            .RemoveAllLoggers();
        return builder;
    }
}
