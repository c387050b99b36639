using ClayBus.Contracts.Submission;
using ClayBus.ServiceDefaults.Messaging;
using ClayBus.Submitter.Dedupe;
using ClayBus.Submitter.Routing;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Submitter.Ingest;

/// <summary>
/// Jobs from upstream systems in any language: plain JSON published to the exchange <c>submit-job</c>. The message id
/// (AMQP <c>message_id</c>) stands in for an idempotency key when the body has none, so a redelivered message is a no-op.
/// The limits of <c>POST /jobs</c> apply (<c>Ingest:MaxJsonBytes</c>, <c>Ingest:MaxJsonRows</c>): a message over
/// one goes to <c>submit-job_error</c> whole, nothing published.
/// </summary>
public sealed partial class SubmitJobConsumer(JobPipeline pipeline, TableRouter router, IOptions<IngestOptions> ingest, ILogger<SubmitJobConsumer> logger) : IConsumer<SubmitJob>
{
    public async Task Consume(ConsumeContext<SubmitJob> context)
    {
        // MassTransit has parsed the body by now (what that parse may cost is bounded by the broker's
        // max_message_size); the limit still keeps a job this large from running.
        var limits = ingest.Value;
        if (context.ReceiveContext.Body.Length is { } bytes && bytes > limits.MaxJsonBytes)
        {
            throw new InvalidJobException($"body: is {bytes:N0} bytes; the limit is {limits.MaxJsonBytes:N0} (Ingest:MaxJsonBytes): split the rows into several SubmitJob messages");
        }

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

        if (message.Rows.Count > limits.MaxJsonRows)
        {
            throw new InvalidJobException($"rows: has {message.Rows.Count:N0} rows; the limit is {limits.MaxJsonRows:N0} (Ingest:MaxJsonRows): split them into SubmitJob messages of at most {limits.MaxJsonRows:N0} rows");
        }

        JobReport report;
        try
        {
            var bodyHash = IdempotencyClaim.HashOf(context.ReceiveContext.Body.GetBytes());
            report = await pipeline.RunAsync(JsonRows.From(message.Rows, context.CancellationToken), request with { BodyHash = bodyHash }, context, context.CancellationToken);
        }
        catch (IdempotencyConflictException exception)
        {
            // To submit-job_error with the reason (no retry): resending another job under a used key is a caller's bug.
            LogConflict(exception.Key, request.Source);
            throw new InvalidJobException("idempotencyKey: " + exception.Message);
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Job {JobId} from {Source}: {Accepted} rows accepted, admission {Admission}, duplicate submission {Duplicate}", report.JobId, request.Source, report.RowsAccepted, report.Admission, report.Duplicate);
        }
    }

    [LoggerMessage(LogLevel.Warning, "SubmitJob from {Source} reused idempotency key {IdempotencyKey} with a different body: sent to submit-job_error, nothing published")]
    private partial void LogConflict(string idempotencyKey, string? source);
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
