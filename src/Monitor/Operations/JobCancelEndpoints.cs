using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Jobs;
using ClayBus.ServiceDefaults.Security;
using MassTransit;

namespace ClayBus.Monitor.Operations;

/// <summary>The optional body of <c>POST /jobs/{jobId}/cancel</c>.</summary>
public sealed record CancelRequest(string? Reason);

/// <summary>What the cancel endpoint sent to the job saga.</summary>
public sealed record CancelRequested(Guid JobId, string PreviousPhase, string RequestedBy, string? Reason, DateTimeOffset At);

public static class JobCancelEndpoints
{
    private const int MaxReasonLength = 500;

    private static readonly string[] FinalPhases = [nameof(JobPhase.Completed), nameof(JobPhase.CompletedWithFailures), nameof(JobPhase.Cancelled)];

    public static IEndpointRouteBuilder MapJobCancel(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/jobs/{jobId:guid}/cancel", CancelAsync)
            .RequireAuthorization(ApiRoles.Operate)
            .WithTags("Operations")
            .WithName("CancelJob")
            .WithSummary("Cancel a job: its undelivered batches are skipped. Body optional: {\"reason\": \"…\"}. Audited.")
            .Produces<CancelRequested>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }

    private static async Task<IResult> CancelAsync(
        Guid jobId,
        CancelRequest? body,
        HttpContext http,
        ILoadSagaRepository<JobState> jobs,
        ISendEndpointProvider send,
        IEndpointNameFormatter names,
        OperatorAudit audit,
        TimeProvider clock,
        ILogger<CancelRequest> logger)
    {
        var reason = string.IsNullOrWhiteSpace(body?.Reason) ? null : body.Reason.Trim();
        if (reason is { Length: > MaxReasonLength })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["reason"] = [$"is longer than {MaxReasonLength} characters: say why in a sentence"] });
        }

        if (await jobs.Load(jobId) is not { } job)
        {
            return TypedResults.Problem(statusCode: 404, title: "Job not known", detail: $"no job {jobId} is tracked (finished jobs are kept for Jobs:FinishedRetention): check the id in GET /status/jobs");
        }

        if (FinalPhases.Contains(job.CurrentState))
        {
            return TypedResults.Problem(
                statusCode: 409,
                title: "Job already finished",
                detail: $"job {jobId} is {job.CurrentState}: a finished job cannot be cancelled",
                extensions: new Dictionary<string, object?> { ["phase"] = job.CurrentState });
        }

        var who = http.User.Identity!.Name!;
        OperatorAction entry;
        try
        {
            entry = await audit.BeginAsync(
                who,
                OperatorAudit.CancelJob,
                jobId.ToString(),
                new { phase = job.CurrentState, job.RowsAccepted, job.RowsDelivered, job.RowsEnriched },
                new { phase = nameof(JobPhase.Cancelled) },
                reason);
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            return TypedResults.Problem(statusCode: 503, title: "Audit log not reachable", detail: $"Redis, which holds the audit log, did not answer: job {jobId} was not cancelled; retry in a few seconds");
        }

        try
        {
            // exchange:, not queue:: sending to queue: re-declares the queue without its type, which a quorum queue refuses.
            var endpoint = await send.GetSendEndpoint(new Uri("exchange:" + names.Saga<JobState>()));
            await endpoint.Send(new CancelJob(jobId, who, reason), http.RequestAborted);
        }
        catch (Exception exception)
        {
            await audit.CompleteAsync(entry, false, null, $"CancelJob not sent: {exception.GetType().Name}");
            throw;
        }

        await audit.CompleteAsync(entry, true, null, "CancelJob sent to the job saga");
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("{Operator} cancelled job {JobId} in phase {Phase}", who, jobId, job.CurrentState);
        }

        return TypedResults.Accepted($"/status/jobs/{jobId}", new CancelRequested(jobId, job.CurrentState, who, reason, clock.GetUtcNow()));
    }
}
