using ClayBus.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Operations;

/// <summary>The answer of <c>POST /dead-letters/{queue}/requeue</c>; <see cref="Completed"/> is false when the run was still moving at the deadline.</summary>
/// <param name="Shovel">The id of the requeue run doing the move (the name of a broker shovel before runs existed); null when nothing moved.</param>
public sealed record RequeueResult(string Queue, string Destination, long Moved, bool Completed, string? Shovel);

/// <summary>
/// <c>POST /dead-letters/{queue}/requeue</c> (<c>claybus dlq requeue --all-at-once</c>): an alias of a paced run
/// (<see cref="RequeueRunEndpoints"/>) over the whole queue at the highest rate and with no canary, answered once it
/// ends or after <c>Operations:RequeueWaitSeconds</c>, so one mechanism moves every dead letter back.
/// </summary>
public static class DeadLetterRequeueEndpoints
{
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);

    public static IEndpointRouteBuilder MapDeadLetterRequeue(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/dead-letters/{queue}/requeue", RequeueAsync)
            .RequireAuthorization(ApiRoles.Operate)
            .WithTags("Operations")
            .WithName("RequeueDeadLetters")
            .WithSummary("Move every message of <queue>_error back to <queue>: a requeue run at the highest rate with no canary; answers how many were moved (202 while the run goes on). Audited.")
            .Produces<RequeueResult>()
            .Produces<RequeueResult>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return endpoints;
    }

    private static async Task<IResult> RequeueAsync(
        string queue, HttpContext http, RequeueRunStart start, RequeueRunStore store, IOptions<OperationsOptions> options, TimeProvider clock)
    {
        var (plan, errors) = RequeuePlan.From(new RequeueRunRequest(queue, null, RequeuePlan.MaximumRate, 0, 0));
        if (plan is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var outcome = await start.StartAsync(plan, http.User.Identity!.Name!, http.RequestAborted);
        if (outcome is { Refusal: { } refusal })
        {
            return RequeueRunEndpoints.Problem(refusal);
        }

        var run = outcome.Run!;
        if (!outcome.Started)
        {
            return TypedResults.Ok(new RequeueResult(queue, run.Destination, 0, true, null));
        }

        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(options.Value.RequeueWaitSeconds);
        while (run.State == RequeueRunState.Running && clock.GetUtcNow() < deadline)
        {
            await Task.Delay(Poll, clock, http.RequestAborted);
            try
            {
                run = await store.FindAsync(run.RunId) ?? run;
            }
            catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
            {
                // The run carries on in this Monitor; only its progress cannot be read now.
                break;
            }
        }

        var result = new RequeueResult(queue, run.Destination, run.Moved, run.State == RequeueRunState.Completed, run.RunId.ToString());
        return run.State switch
        {
            RequeueRunState.Completed => TypedResults.Ok(result),
            RequeueRunState.Running => TypedResults.Accepted($"/dead-letters/requeues/{run.RunId}", result),
            _ => RequeueRunEndpoints.Problem(new RequeueRefusal(
                503,
                "Requeue run " + run.State.ToString().ToLowerInvariant(),
                $"run {run.RunId} {run.State.ToString().ToLowerInvariant()} after {run.Moved} moves: {run.Reason ?? "no reason given"}; what moved stays moved, the rest is still in {queue}",
                run.RunId.ToString())),
        };
    }
}
