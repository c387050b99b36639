using ClayBus.Monitor.Status;
using ClayBus.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using RabbitMQ.Client.Exceptions;

namespace ClayBus.Monitor.Operations;

/// <summary>
/// Paced, filtered requeues: <c>POST /dead-letters/requeues</c> starts a run the Monitor executes in the background
/// (<see cref="PacedRequeue"/>), <c>GET /dead-letters/requeues/{runId}</c> follows it from any Monitor instance.
/// </summary>
public static class RequeueRunEndpoints
{
    public static IEndpointRouteBuilder MapRequeueRuns(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/dead-letters/requeues", StartAsync)
            .RequireAuthorization(ApiRoles.Operate)
            .WithTags("Operations")
            .WithName("StartRequeueRun")
            .WithSummary("Move dead letters back at a bounded rate, one failure group or a whole queue, stopping if a requeued group fails again (canary). Body: {\"queue\", \"group\", \"ratePerSecond\", \"canary\", \"canaryWaitSeconds\"}. Audited before it starts, completed when it ends; an empty queue is a no-op (200, no run, no audit).")
            .Produces<RequeueRunStatus>(StatusCodes.Status202Accepted)
            .Produces<RequeueRunStatus>()
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        endpoints.MapGet("/dead-letters/requeues/{runId:guid}", FindAsync)
            .RequireAuthorization(ApiRoles.Read)
            .WithTags("Operations")
            .WithName("GetRequeueRun")
            .WithSummary("A paced requeue run: state (running, completed, stopped, failed), moved, kept, and why it stopped.")
            .Produces<RequeueRunStatus>()
            .ProducesProblem(StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<IResult> StartAsync(
        RequeueRunRequest? body,
        HttpContext http,
        DeadLetterReader reader,
        RequeueBroker broker,
        RequeueRunStore store,
        RequeueRunner runner,
        OperatorAudit audit,
        TimeProvider clock,
        ILogger<RequeueRunner> logger)
    {
        var (plan, errors) = RequeuePlan.From(body);
        if (plan is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var queue = plan.Queue;
        if (plan.Group is { } group)
        {
            var report = await reader.ReadAsync(http.RequestAborted);
            if (!report.Available)
            {
                return TypedResults.Problem(statusCode: 503, title: "Dead letters not readable", detail: report.Error + ": the group cannot be checked; retry later");
            }

            if (report.Groups.FirstOrDefault(known => known.Id == group && (queue is null || known.Queue == queue)) is not { } found)
            {
                return TypedResults.Problem(
                    statusCode: 404,
                    title: "Group not known",
                    detail: $"group {group} is not among the failure groups{(queue is null ? "" : " of " + queue)} in GET /status/dead-letters (claybus dlq list): it may have been requeued already, or the id is mistyped");
            }

            queue = found.Queue;
        }

        var destination = DeadLetterGrouping.SourceOf(queue!);
        long depth;
        try
        {
            await using var connection = await broker.ConnectAsync("requeue-check", http.RequestAborted);
            if (await RequeueBroker.DepthAsync(connection, queue!, http.RequestAborted) is not { } ready)
            {
                return TypedResults.Problem(statusCode: 404, title: "Queue not found", detail: $"queue '{queue}' does not exist in vhost '{broker.VirtualHost}': see GET /status/dead-letters for the _error queues");
            }

            if (await RequeueBroker.DepthAsync(connection, destination, http.RequestAborted) is null)
            {
                return TypedResults.Problem(statusCode: 409, title: "Source queue missing", detail: $"the source queue '{destination}' does not exist, so nothing would consume the moved messages: start the service that owns it first");
            }

            depth = ready;
        }
        catch (BrokerUnreachableException)
        {
            return TypedResults.Problem(statusCode: 503, title: "Broker not reachable", detail: "the broker did not answer: nothing was moved; retry later");
        }

        if (depth == 0)
        {
            // A no-op is not an operator action: no run, no audit entry.
            return TypedResults.Ok(new RequeueRunStatus(
                Guid.Empty, queue!, destination, plan.Group, plan.RatePerSecond, plan.Canary, (int)plan.CanaryWait.TotalSeconds,
                RequeueRunState.Completed, 0, 0, 0, "the queue is empty: nothing to requeue", http.User.Identity!.Name!, clock.GetUtcNow(), clock.GetUtcNow(), clock.GetUtcNow()));
        }

        var runId = MassTransit.NewId.NextGuid();
        string? holder;
        try
        {
            holder = await store.TryLockAsync(queue!, runId);
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            return RedisDown();
        }

        if (holder is not null)
        {
            return TypedResults.Problem(
                statusCode: 409,
                title: "A requeue is already running",
                detail: $"run {holder} is requeueing {queue}: follow it with GET /dead-letters/requeues/{holder}, and start another once it ends",
                extensions: new Dictionary<string, object?> { ["runId"] = holder });
        }

        var who = http.User.Identity!.Name!;
        var now = clock.GetUtcNow();
        var run = new RequeueRunStatus(
            runId, queue!, destination, plan.Group, plan.RatePerSecond, plan.Canary, (int)plan.CanaryWait.TotalSeconds,
            RequeueRunState.Running, 0, 0, 0, null, who, now, null, now);
        OperatorAction entry;
        try
        {
            await store.SaveAsync(run);
            entry = await audit.BeginAsync(
                who,
                OperatorAudit.RequeueDeadLetters,
                queue!,
                new { queue, messages = depth, group = plan.Group },
                new { queue = destination, runId, ratePerSecond = plan.RatePerSecond, canary = plan.Canary, canaryWaitSeconds = run.CanaryWaitSeconds },
                $"paced requeue run {runId}");
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            // Not started: an unaudited run must not move anything. The lock expires by itself if this release fails too.
            await store.ReleaseAsync(queue!, runId).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return RedisDown();
        }

        runner.Start(run, plan, entry);
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("{Operator} started requeue run {RunId} of {Queue} (group {Group}) at {Rate}/s", who, runId, queue, plan.Group ?? "all", plan.RatePerSecond);
        }

        return TypedResults.Accepted($"/dead-letters/requeues/{runId}", run);
    }

    private static async Task<IResult> FindAsync(Guid runId, RequeueRunStore store, TimeProvider clock)
    {
        RequeueRunStatus? found;
        try
        {
            found = await store.FindAsync(runId);
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            return RedisDown();
        }

        if (found is not { } run)
        {
            return TypedResults.Problem(statusCode: 404, title: "Run not known", detail: $"no requeue run {runId}: runs are kept a day; check the id the POST answered");
        }

        // The instance running it stopped without ending it (killed): its held messages went back when its connection closed.
        return run.State == RequeueRunState.Running && clock.GetUtcNow() - run.HeartbeatAt > RequeueRunStore.StaleAfter
            ? TypedResults.Ok(run with { State = RequeueRunState.Failed, Reason = $"the Monitor running it stopped answering at {run.HeartbeatAt:O}: what moved stays moved, the rest is back in the dead-letter queue; start a new run" })
            : TypedResults.Ok(run);
    }

    private static ProblemHttpResult RedisDown() =>
        TypedResults.Problem(statusCode: 503, title: "Run state not reachable", detail: "Redis, which holds the requeue runs, did not answer: retry in a few seconds (a running run carries on)");
}
