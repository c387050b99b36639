using ClayBus.ServiceDefaults.Configuration;

namespace ClayBus.Submitter.Dedupe;

public static class DedupeSetup
{
    public static IHostApplicationBuilder AddDedupe(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<DedupeOptions>(DedupeOptions.Section);
        builder.Services.AddSingleton<RecentRows>();
        builder.Services.AddSingleton<JobIdempotency>();
        return builder;
    }
}
