using ClayBus.Contracts.Credits;
using ClayBus.Monitor.Operations;
using ClayBus.ServiceDefaults.Security;
using MassTransit;

namespace ClayBus.Monitor.Budget;

/// <summary>The body of <c>PUT /budget</c>.</summary>
/// <param name="ActionsDailyLimit">Clay Actions per day; left out = unchanged, −1 = no limit.</param>
/// <param name="ActionsMonthlyLimit">Clay Actions per month; left out = unchanged, −1 = no limit.</param>
public sealed record BudgetLimitChange(decimal? DailyLimit, decimal? MonthlyLimit, long? ActionsDailyLimit = null, long? ActionsMonthlyLimit = null);

/// <summary>What <c>PUT /budget</c> accepted; the ledger confirms with BudgetLimitChanged (see the audit trail).</summary>
public sealed record BudgetLimitRequested(string RequestedBy, decimal? Before, decimal After, decimal? MonthlyLimit, DateTimeOffset At);

public static class BudgetLimitEndpoints
{
    public static IEndpointRouteBuilder MapBudgetLimit(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPut("/budget", ChangeLimit)
            .WithName("ChangeBudgetLimit")
            .RequireAuthorization(ApiRoles.Operate)
            .WithSummary("Change the daily (and optionally monthly) credit limit, and optionally the Actions limits, at run time; audited under the API key's name.")
            .Produces<BudgetLimitRequested>(StatusCodes.Status202Accepted)
            .ProducesValidationProblem();
        endpoints.MapGet("/budget/audit", async (BudgetViewStore store, int? take) => TypedResults.Ok(await store.AuditAsync(Math.Clamp(take ?? 50, 1, 1000))))
            .RequireAuthorization(ApiRoles.Read)
            .WithName("GetBudgetAudit")
            .WithSummary("Limit changes, newest first: who, when, before and after; 'requested' by the API, 'applied' by the ledger.");
        return endpoints.MapBudgetHolds();
    }

    private static async Task<IResult> ChangeLimit(
        BudgetLimitChange? body,
        HttpContext http,
        BudgetStatusClient ledger,
        BudgetViewStore store,
        OperatorAudit audit,
        IPublishEndpoint publish,
        TimeProvider clock,
        ILogger<BudgetLimitChange> logger,
        CancellationToken cancellationToken)
    {
        // Who is the API key, not anything the caller writes: the audit trail must not be forgeable.
        var requestedBy = http.User.Identity!.Name!;
        var errors = Validate(body);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var status = await ledger.ReadAsync(cancellationToken);
        var before = status?.Limit;
        if (status is not null && status.Limit == body!.DailyLimit && (body.MonthlyLimit is null || body.MonthlyLimit == status.MonthlyLimit)
            && body.ActionsDailyLimit is null && body.ActionsMonthlyLimit is null)
        {
            // A no-op is not an operator action: nothing is sent and nothing audited.
            return TypedResults.Ok(new BudgetLimitRequested(requestedBy, before, status.Limit, status.MonthlyLimit, clock.GetUtcNow()));
        }

        var entry = new BudgetAuditEntry("requested", requestedBy, clock.GetUtcNow(), before, body!.DailyLimit!.Value, body.MonthlyLimit);
        OperatorAction action;
        try
        {
            action = await audit.BeginAsync(
                requestedBy,
                OperatorAudit.ChangeBudget,
                "daily-limit",
                new { dailyLimit = before },
                new { dailyLimit = entry.After, monthlyLimit = entry.MonthlyLimit, actionsDailyLimit = body.ActionsDailyLimit, actionsMonthlyLimit = body.ActionsMonthlyLimit });
            await store.AppendAuditAsync(entry);
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            return TypedResults.Problem(statusCode: 503, title: "Audit log not reachable", detail: "Redis, which holds the audit log, did not answer: the limit was not changed; retry in a few seconds");
        }

        try
        {
            // Published, not sent: the ledger's queue is the Enricher's to name, and the type's exchange reaches it.
            await publish.Publish(new ChangeBudgetLimit(entry.After, entry.MonthlyLimit, requestedBy, body.ActionsDailyLimit, body.ActionsMonthlyLimit), cancellationToken);
        }
        catch (Exception exception)
        {
            await audit.CompleteAsync(action, false, null, $"ChangeBudgetLimit not published: {exception.GetType().Name}");
            throw;
        }

        await audit.CompleteAsync(action, true, null, "ChangeBudgetLimit published; the ledger confirms with BudgetLimitChanged (GET /budget/audit)");
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("{Operator} asked to change the daily credit limit from {Before} to {After}", requestedBy, before, entry.After);
        }
        return TypedResults.Accepted("/budget/audit", new BudgetLimitRequested(requestedBy, before, entry.After, entry.MonthlyLimit, entry.At));
    }

    private static Dictionary<string, string[]> Validate(BudgetLimitChange? body)
    {
        var errors = new Dictionary<string, string[]>();
        if (body?.DailyLimit is not { } daily || daily <= 0 || daily > 100_000_000)
        {
            errors["dailyLimit"] = ["is required: a number of credits greater than 0, e.g. {\"dailyLimit\": 5000}"];
        }

        if (body?.MonthlyLimit is { } monthly && (monthly <= 0 || (body.DailyLimit is { } d && monthly < d)))
        {
            errors["monthlyLimit"] = ["must be greater than 0 and at least the daily limit, or left out"];
        }

        foreach (var (key, value) in new[] { ("actionsDailyLimit", body?.ActionsDailyLimit), ("actionsMonthlyLimit", body?.ActionsMonthlyLimit) })
        {
            if (value is { } actions && (actions is < -1 or 0 || actions > 10_000_000_000))
            {
                errors[key] = ["must be a number of Clay Actions greater than 0, or -1 for no limit, or left out"];
            }
        }

        return errors;
    }
}
