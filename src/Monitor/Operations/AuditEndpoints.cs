using ClayBus.ServiceDefaults.Security;

namespace ClayBus.Monitor.Operations;

public static class AuditEndpoints
{
    /// <summary>
    /// <c>GET /audit?take=50&amp;action=job.cancel</c>: operator actions, newest first. Role <c>read</c>: the log
    /// says who changed what, which every reader of the status API may know; it holds no secret.
    /// </summary>
    public static IEndpointRouteBuilder MapOperatorAudit(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/audit", ReadAsync)
            .RequireAuthorization(ApiRoles.Read)
            .WithTags("Operations")
            .WithName("GetAudit")
            .WithSummary("Operator actions (job.cancel, dead-letters.requeue, budget.change), newest first: who, when, what, before and after.")
            .Produces<IReadOnlyList<OperatorAction>>()
            .ProducesValidationProblem();
        return endpoints;
    }

    private static async Task<IResult> ReadAsync(OperatorAudit audit, int? take, string? action)
    {
        if (action is not null && !OperatorAudit.Actions.Contains(action))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["action"] = [$"'{action}' is not an audited action: use one of {string.Join(", ", OperatorAudit.Actions)}, or leave it out"],
            });
        }

        if (take is < 1 or > 1000)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["take"] = ["must be between 1 and 1000 (50 by default)"] });
        }

        return TypedResults.Ok(await audit.ReadAsync(take ?? 50, action));
    }
}
