using ClayBus.ServiceDefaults.Configuration;
using MassTransit;

namespace ClayBus.Submitter.Ingest;

public static class IngestSetup
{
    public static IHostApplicationBuilder AddIngest(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<IngestOptions>(IngestOptions.Section);
        builder.Services.AddProblemDetails();
        builder.Services.AddScoped<JobRunFactory>();
        builder.Services.AddScoped<JobPipeline>();
        return builder;
    }

    public static void AddIngestConsumers(this IBusRegistrationConfigurator bus) =>
        bus.AddConsumer<SubmitJobConsumer, SubmitJobConsumerDefinition>();
}
