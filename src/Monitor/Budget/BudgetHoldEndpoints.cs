using System.Text.RegularExpressions;
using ClayBus.Contracts.Credits;
using ClayBus.Monitor.Operations;
using ClayBus.ServiceDefaults.Security;
using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;

namespace ClayBus.Monitor.Budget;

/// <summary>A table as <c>GET /budget/holds</c> shows it: held or not (the ledger's word) and the charges that held it.</summary>
public sealed record TableHoldView(string TableKey, bool Held, long Anomalies, DateTimeOffset? LastAnomalyAt, IReadOnlyList<BudgetAnomaly> Latest);

/// <summary>What <c>DELETE /budget/holds/{table}</c> accepted; the Enricher deletes the hold when it consumes it.</summary>
public sealed record HoldReleaseRequested(string TableKey, string RequestedBy, DateTimeOffset At);

/// <summary>
/// Tables held after Clay charged above their price list: listed, and released by an operator (audited). The hold
/// itself is the Enricher's (<c>credits:hold:{table}</c>): the Monitor asks the ledger and publishes the release.
/// </summary>
public static partial class BudgetHoldEndpoints
{
    private const int AnomaliesShown = 5;

    public static IEndpointRouteBuilder MapBudgetHolds(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/budget/holds", ListHolds)
            .RequireAuthorization(ApiRoles.Read)
            .WithName("GetBudgetHolds")
            .WithSummary("Tables held after a charge above their price list (and tables with recent anomalies), with the newest charges.");
        endpoints.MapDelete("/budget/holds/{table}", ReleaseHold)
            .RequireAuthorization(ApiRoles.Operate)
            .WithName("ReleaseBudgetHold")
            .WithSummary("Let a held table deliver again (until its next charge above the price list); audited under the API key's name.")
            .Produces<HoldReleaseRequested>(StatusCodes.Status202Accepted);
        return endpoints;
    }

    private static async Task<IResult> ListHolds(BudgetStatusClient ledger, BudgetAnomalyStore anomalies, CancellationToken cancellationToken)
    {
        var status = await ledger.ReadAsync(cancellationToken);
        if (status is null)
        {
            return LedgerSilent();
        }

        var held = status.HeldTables ?? [];
        var seen = (await anomalies.TablesAsync(AnomaliesShown)).ToDictionary(t => t.TableKey, StringComparer.Ordinal);
        var views = held
            .Select(table => seen.TryGetValue(table, out var a) ? View(a, true) : new TableHoldView(table, true, 0, null, []))
            .Concat(seen.Values.Where(a => !held.Contains(a.TableKey, StringComparer.Ordinal)).Select(a => View(a, false)))
            .ToList();
        return TypedResults.Ok(views);
    }

    private static async Task<IResult> ReleaseHold(
        string table,
        HttpContext http,
        BudgetStatusClient ledger,
        BudgetAnomalyStore anomalies,
        OperatorAudit audit,
        IPublishEndpoint publish,
        TimeProvider clock,
        CancellationToken cancellationToken)
    {
        // Who is the API key, not anything the caller writes: the audit trail must not be forgeable.
        var requestedBy = http.User.Identity!.Name!;
        if (!TableKeyPattern().IsMatch(table))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["table"] = ["must be a table key (letters, digits, '-', '_' or '.', at most 100), as GET /budget/holds lists them"] });
        }

        var status = await ledger.ReadAsync(cancellationToken);
        if (status is null)
        {
            return LedgerSilent();
        }

        if (!(status.HeldTables ?? []).Contains(table, StringComparer.Ordinal))
        {
            return TypedResults.Problem(statusCode: 404, title: "Table not held", detail: $"table {table} is not held: GET /budget/holds lists the held tables");
        }

        var charges = (await anomalies.TablesAsync(1)).FirstOrDefault(t => t.TableKey == table);
        OperatorAction action;
        try
        {
            action = await audit.BeginAsync(requestedBy, OperatorAudit.ReleaseHold, table, new { held = true, anomalies = charges?.Count ?? 0, latest = charges is { Latest.Count: > 0 } ? charges.Latest[0] : null }, new { held = false });
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            return TypedResults.Problem(statusCode: 503, title: "Audit log not reachable", detail: "Redis, which holds the audit log, did not answer: the hold was not released; retry in a few seconds");
        }

        var at = clock.GetUtcNow();
        try
        {
            await publish.Publish(new ReleaseTableHold(table, requestedBy, at), cancellationToken);
        }
        catch (Exception exception)
        {
            await audit.CompleteAsync(action, false, null, $"ReleaseTableHold not published: {exception.GetType().Name}");
            throw;
        }

        await audit.CompleteAsync(action, true, new { held = false }, "ReleaseTableHold published; the next charge above the price list holds the table again");
        return TypedResults.Accepted("/budget/holds", new HoldReleaseRequested(table, requestedBy, at));
    }

    private static TableHoldView View(TableAnomalies anomalies, bool held) => new(anomalies.TableKey, held, anomalies.Count, anomalies.LastAt, anomalies.Latest);

    private static ProblemHttpResult LedgerSilent() => TypedResults.Problem(
        statusCode: 503, title: "Credit ledger not reachable", detail: "no Enricher answered GetBudgetStatus in time: which tables are held is unknown; retry in a few seconds");

    [GeneratedRegex("^[A-Za-z0-9._-]{1,100}$", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex TableKeyPattern();
}
