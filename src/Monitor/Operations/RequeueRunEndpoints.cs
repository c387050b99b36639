using ClayBus.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

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

    private static async Task<IResult> StartAsync(RequeueRunRequest? body, HttpContext http, RequeueRunStart start)
    {
        var (plan, errors) = RequeuePlan.From(body);
        if (plan is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var outcome = await start.StartAsync(plan, http.User.Identity!.Name!, http.RequestAborted);
        return outcome switch
        {
            { Refusal: { } refusal } => Problem(refusal),
            { Started: true, Run: { } run } => TypedResults.Accepted($"/dead-letters/requeues/{run.RunId}", run),
            _ => TypedResults.Ok(outcome.Run),
        };
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

    private static ProblemHttpResult RedisDown() => Problem(RequeueRunStart.RedisDown);

    /// <summary>A refusal as the problem both requeue endpoints answer.</summary>
    internal static ProblemHttpResult Problem(RequeueRefusal refusal) =>
        TypedResults.Problem(
            statusCode: refusal.Status,
            title: refusal.Title,
            detail: refusal.Detail,
            extensions: refusal.HolderRunId is { } holder ? new Dictionary<string, object?> { ["runId"] = holder } : null);
}
