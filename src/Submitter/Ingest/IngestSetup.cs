using ClayBus.ServiceDefaults.Configuration;
using MassTransit;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace ClayBus.Submitter.Ingest;

public static class IngestSetup
{
    public static IHostApplicationBuilder AddIngest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<IngestOptions>(IngestOptions.Section);
        builder.Services.AddProblemDetails();
        builder.Services.AddScoped<JobRunFactory>();
        builder.Services.AddScoped<JobPipeline>();
        builder.Services.AddOptions<KestrelServerOptions>().Configure<IOptions<IngestOptions>>((kestrel, ingest) =>
            kestrel.Limits.MinRequestBodyDataRate = new MinDataRate(ingest.Value.MinBodyBytesPerSecond, TimeSpan.FromSeconds(ingest.Value.MinBodyGraceSeconds)));
        return builder;
    }

    public static void AddIngestConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<SubmitJobConsumer, SubmitJobConsumerDefinition>();
}
