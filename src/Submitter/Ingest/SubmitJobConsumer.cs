using ClayBus.Contracts.Submission;
using ClayBus.ServiceDefaults.Messaging;
using ClayBus.Submitter.Routing;
using MassTransit;

namespace ClayBus.Submitter.Ingest;

/// <summary>
/// Jobs from upstream systems in any language: plain JSON published to the exchange <c>submit-job</c>. The message id
/// (AMQP <c>message_id</c>) stands in for an idempotency key when the body has none, so a redelivered message is a no-op.
/// </summary>
public sealed class SubmitJobConsumer(JobPipeline pipeline, TableRouter router, ILogger<SubmitJobConsumer> logger) : IConsumer<SubmitJob>
{
    public async Task Consume(ConsumeContext<SubmitJob> context)
    {
        var message = context.Message;
        var key = message.IdempotencyKey ?? (context.MessageId is { } id ? "message:" + id.ToString("N") : null);
        var (request, problems) = JobRequest.From(message.Table, message.Priority, key, dryRun: false, message.Source ?? "amqp", router);
        if (request is null)
        {
            // Retrying cannot fix the options: straight to submit-job_error with the reason.
            throw new InvalidJobException(string.Join("; ", problems.Select(problem => $"{problem.Field}: {problem.Detail}")));
        }

        if (message.Rows is not { Count: > 0 })
        {
            throw new InvalidJobException("rows: is missing or empty: send at least one row, e.g. {\"rows\":[{\"email\":\"ana@acme.com\"}]}");
        }

        var report = await pipeline.RunAsync(JsonRows.From(message.Rows, context.CancellationToken), request, context, context.CancellationToken);
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Job {JobId} from {Source}: {Accepted} rows accepted, admission {Admission}, duplicate submission {Duplicate}", report.JobId, request.Source, report.RowsAccepted, report.Admission, report.Duplicate);
        }
    }
}

/// <summary>A <c>SubmitJob</c> message whose options or rows can never be accepted as sent.</summary>
public sealed class InvalidJobException(string message) : Exception(message);

public sealed class SubmitJobConsumerDefinition : ConsumerDefinition<SubmitJobConsumer>
{
    public const string Queue = "submit-job";

    public SubmitJobConsumerDefinition() => EndpointName = Queue;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<SubmitJobConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // Upstream publishers send plain JSON, no MassTransit envelope.
        endpointConfigurator.UseRawJsonDeserializer(isDefault: true);
        endpointConfigurator.ConcurrentMessageLimit = 4;
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Ignore<InvalidJobException>();
            retry.Ignore<JobRunningException>();
            retry.Intervals(1000, 5000, 15000);
        });
    }
}
