using ClayBus.ServiceDefaults.Configuration;

namespace ClayBus.Submitter.Batching;

public static class BatchingSetup
{
    public static IHostApplicationBuilder AddBatching(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<BatchingOptions>(BatchingOptions.Section);
        builder.Services.AddSingleton<SubmitterMetrics>();
        builder.Services.AddSingleton<BatchPublisher>();
        return builder;
    }
}
