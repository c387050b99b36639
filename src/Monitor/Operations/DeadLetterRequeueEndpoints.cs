using ClayBus.Monitor.Status;
using ClayBus.ServiceDefaults.Security;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClayBus.Monitor.Operations;

public static class DeadLetterRequeueEndpoints
{
    public static IEndpointRouteBuilder MapDeadLetterRequeue(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/dead-letters/{queue}/requeue", RequeueAsync)
            .RequireAuthorization(ApiRoles.Operate)
            .WithTags("Operations")
            .WithName("RequeueDeadLetters")
            .WithSummary("Move every message of <queue>_error back to <queue> (a dynamic shovel); answers how many were moved. Audited.")
            .Produces<RequeueResult>()
            .Produces<RequeueResult>(StatusCodes.Status202Accepted)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict);
        return endpoints;
    }

    private static async Task<IResult> RequeueAsync(string queue, HttpContext http, DeadLetterMover mover, OperatorAudit audit, ILogger<DeadLetterMover> logger)
    {
        if (!queue.EndsWith(DeadLetterGrouping.ErrorSuffix, StringComparison.Ordinal) || queue.Length == DeadLetterGrouping.ErrorSuffix.Length || queue.Length > 255)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["queue"] = [$"'{queue}' is not a dead-letter queue: give a queue whose name ends in {DeadLetterGrouping.ErrorSuffix}, e.g. deliver-batch_error (see GET /status/dead-letters)"],
            });
        }

        var who = http.User.Identity!.Name!;
        RequeueTarget target;
        try
        {
            target = await mover.PrepareAsync(queue, http.RequestAborted);
        }
        catch (RequeueRefusedException exception)
        {
            return TypedResults.Problem(statusCode: exception.Status, title: "Dead letters not requeued", detail: exception.Message);
        }
        catch (Exception exception) when (exception is HttpRequestException or RabbitMQ.Client.Exceptions.BrokerUnreachableException)
        {
            return BrokerDown(logger, queue, exception);
        }

        if (target.Count == 0)
        {
            // A no-op is not an operator action: nothing to audit.
            return TypedResults.Ok(new RequeueResult(queue, target.Destination, 0, true, null));
        }

        OperatorAction entry;
        try
        {
            entry = await audit.BeginAsync(who, OperatorAudit.RequeueDeadLetters, queue, new { queue, messages = target.Count }, new { queue = target.Destination });
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            return TypedResults.Problem(statusCode: 503, title: "Audit log not reachable", detail: "Redis, which holds the audit log, did not answer: nothing was moved; retry in a few seconds");
        }

        RequeueResult result;
        try
        {
            result = await mover.MoveAsync(target, http.RequestAborted);
        }
        catch (Exception exception) when (exception is HttpRequestException or RabbitMQ.Client.Exceptions.BrokerUnreachableException)
        {
            await audit.CompleteAsync(entry, false, null, "the management API failed: " + exception.Message);
            return BrokerDown(logger, queue, exception);
        }

        await audit.CompleteAsync(
            entry,
            true,
            new { queue = result.Destination, result.Moved, result.Completed },
            result.Completed ? $"moved {result.Moved}" : $"shovel {result.Shovel} still moving {result.Moved} at the deadline");
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("{Operator} requeued {Moved} messages from {Queue} to {Destination}", who, result.Moved, queue, result.Destination);
        }

        return result.Completed ? TypedResults.Ok(result) : TypedResults.Accepted("/status/dead-letters", result);
    }

    private static ProblemHttpResult BrokerDown(ILogger logger, string queue, Exception exception)
    {
        logger.LogWarning("Requeue of {Queue} failed: {Reason}", queue, exception.Message);
        return TypedResults.Problem(statusCode: 503, title: "Broker not reachable", detail: "the broker or its management API did not answer: nothing was moved; retry later");
    }
}
