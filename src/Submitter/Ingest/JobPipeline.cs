using System.Text.Json;
using ClayBus.Submitter.Dedupe;
using MassTransit;

namespace ClayBus.Submitter.Ingest;

/// <summary>
/// Runs a job from any way in (HTTP JSON, CSV stream, AMQP message): idempotency first, then one <see cref="JobRun"/>
/// that validates, routes, dedupes, batches, admits and publishes as rows stream past.
/// </summary>
public sealed class JobPipeline(JobRunFactory runs, JobIdempotency idempotency, ILogger<JobPipeline> logger)
{
    private static readonly JsonSerializerOptions ReportJson = new(JsonSerializerDefaults.Web);

    public async Task<JobReport> RunAsync(IAsyncEnumerable<InputRow> rows, JobRequest request, IPublishEndpoint endpoint, CancellationToken cancellationToken)
    {
        var key = request.Claim;
        if (key is not null)
        {
            var (state, stored) = await idempotency.BeginAsync(key);
            if (state == IdempotencyState.Conflict)
            {
                throw new IdempotencyConflictException(key.Key);
            }

            if (state == IdempotencyState.Running)
            {
                throw new JobRunningException(key.JobId);
            }

            if (state == IdempotencyState.Done && JsonSerializer.Deserialize<JobReport>(stored!, ReportJson) is { } earlier)
            {
                var earlierJob = earlier.JobId;
                if (logger.IsEnabled(LogLevel.Information))
                {
                    logger.LogInformation("Job {JobId} resubmitted with its idempotency key: nothing published", earlierJob);
                }
                return earlier with { Duplicate = true };
            }
        }

        var jobId = key?.JobId ?? NewId.NextGuid();
        using var running = new CancellationTokenSource();
        var holding = key is null ? Task.CompletedTask : idempotency.KeepRunningAsync(key, running.Token);
        try
        {
            var report = await runs.Create(jobId, request, endpoint, cancellationToken).ExecuteAsync(rows);
            await StopHoldingAsync(running, holding);
            if (key is not null)
            {
                // An aborted upload frees its key: the caller fixes the file and resubmits; rows already sent stay deduplicated.
                await (report.Aborted is null ? idempotency.CompleteAsync(key, JsonSerializer.Serialize(report, ReportJson)) : idempotency.AbandonAsync(key));
            }

            return report;
        }
        catch
        {
            await StopHoldingAsync(running, holding);
            if (key is not null)
            {
                await idempotency.AbandonAsync(key);
            }

            throw;
        }
    }

    private static async Task StopHoldingAsync(CancellationTokenSource running, Task holding)
    {
        await running.CancelAsync();
        await holding;
    }
}
