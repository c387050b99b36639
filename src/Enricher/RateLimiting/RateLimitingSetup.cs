using ClayBus.ServiceDefaults.Configuration;

namespace ClayBus.Enricher.RateLimiting;

public static class RateLimitingSetup
{
    /// <summary>The workspace-wide limiter shared through Redis (<c>RateLimit</c> section).</summary>
    public static IHostApplicationBuilder AddSharedRateLimit(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RateLimitOptions>(RateLimitOptions.Section)
            .Validate(o => o.BurstMargin is null || o.BurstMargin < o.Burst, "RateLimit:BurstMargin must be smaller than RateLimit:Burst");
        builder.Services.AddSingleton<SharedRateLimiter>();
        return builder;
    }
}
