using System.Text.Json.Serialization;
using ClayBus.ServiceDefaults.Configuration;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Status;

public static class StatusSetup
{
    public const string WebhookEndpointName = "monitor-webhooks";

    /// <summary>The Enrichers' <c>DeliveryPaused</c> / <c>DeliveryResumed</c>.</summary>
    public const string EnricherEndpointName = "monitor-enrichers";

    /// <summary>The <c>Fault&lt;DeliverBatch&gt;</c> and <c>Fault&lt;SubmitJob&gt;</c> that feed the dead-letter index.</summary>
    public const string DeadLetterEndpointName = "monitor-dead-letters";

    public static IHostApplicationBuilder AddStatusApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<StatusOptions>(StatusOptions.Section);
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter(System.Text.Json.JsonNamingPolicy.CamelCase)));
        builder.Services.AddSingleton<WebhookViewStore>();
        builder.Services.AddSingleton<JobIndex>();
        builder.Services.AddSingleton<EnricherPauseStore>();
        builder.Services.AddSingleton<DeadLetterIndexStore>();
        builder.Services.AddScoped<DeadLetterReader>();
        builder.Services.AddHttpClient<RabbitManagementClient>((provider, http) => RabbitManagementClient.Configure(
            http,
            provider.GetRequiredService<IOptions<RabbitMqOptions>>().Value,
            provider.GetRequiredService<IOptions<StatusOptions>>().Value));
        return builder;
    }

    public static IBusRegistrationConfigurator AddStatusConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<WebhookUsageConsumer, WebhookUsageConsumerDefinition>();
        bus.AddConsumer<WebhookRotatedConsumer, WebhookRotatedConsumerDefinition>();
        bus.AddConsumer<WebhookCapacityLowConsumer, WebhookCapacityLowConsumerDefinition>();
        bus.AddConsumer<WebhookPoolExhaustedConsumer, WebhookPoolExhaustedConsumerDefinition>();
        bus.AddConsumer<TableFullConsumer, TableFullConsumerDefinition>();
        bus.AddConsumer<JobSubmittedConsumer, JobSubmittedConsumerDefinition>();
        bus.AddConsumer<DeliveryPausedConsumer, DeliveryPausedConsumerDefinition>();
        bus.AddConsumer<DeliveryResumedConsumer, DeliveryResumedConsumerDefinition>();
        bus.AddConsumer<DeadLetterFaultConsumer, DeadLetterFaultConsumerDefinition>();
        return bus;
    }
}
