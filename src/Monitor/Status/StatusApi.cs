using ClayBus.Monitor.Budget;
using ClayBus.Monitor.Providers;
using ClayBus.ServiceDefaults.Security;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Status;

/// <summary>The read side operators and the CLI use. Described by OpenAPI at <c>/openapi/v1.json</c>.</summary>
public static class StatusApi
{
    public static WebApplication MapStatusApi(this WebApplication app)
    {
        app.MapOpenApi().RequireAuthorization(ApiRoles.Read);
        app.MapBudgetLimit();
        var status = app.MapGroup("/status").WithTags("Status").RequireAuthorization(ApiRoles.Read);
        status.MapJobStatus();
        status.MapGet("/budget", (BudgetReporter budget, CancellationToken cancellationToken) => budget.ReportAsync(cancellationToken))
            .WithName("GetBudget")
            .WithSummary("Today's credits from the Enricher's ledger (state 'unknown' if it does not answer), the forecast and the budget events seen.");
        status.MapGet("/providers", (ProviderHealthReader providers) => providers.ReadAsync())
            .WithName("GetProviders")
            .WithSummary("Each provider's sliding window, success rate and state, and the tables routed to variants.");
        status.MapGet("/webhooks", GetWebhooks)
            .WithName("GetWebhooks")
            .WithSummary("Each table's current webhook: records used, remaining, and when it runs out at the recent rate.");
        status.MapGet("/enrichers", GetEnrichers)
            .WithName("GetEnrichers")
            .WithSummary("Enricher instances that paused delivery, with the reason, the detail, since when, and when they probe to resume.");
        status.MapGet("/dead-letters", (DeadLetterReader reader, CancellationToken cancellationToken) => reader.ReadAsync(cancellationToken))
            .WithName("GetDeadLetters")
            .WithSummary("Depth of every _error queue (read-only from the management API) and the failures grouped by normalised cause, queue, table and job, indexed from Fault events as they happen.");
        status.MapGet("/key", (HttpContext http) => new ApiKeyView(
                http.User.Identity!.Name!,
                [.. http.User.FindAll(System.Security.Claims.ClaimTypes.Role).Select(claim => claim.Value).Order(StringComparer.Ordinal)]))
            .WithName("GetKey")
            .WithSummary("The calling key's name and roles, so the dashboard offers operator actions only to keys with the operate role.");
        return app;
    }

    private static async Task<WebhookReport> GetWebhooks(WebhookViewStore store, IOptions<StatusOptions> options, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var window = TimeSpan.FromMinutes(options.Value.WebhookRateWindowMinutes);
        var tables = (await store.ReadAsync(now, window)).Select(entry => WebhookRunway.From(entry.Usage, entry.SentInWindow, window, now)).ToList();
        return new WebhookReport(options.Value.WebhookRateWindowMinutes, tables);
    }

    private static async Task<EnricherReport> GetEnrichers(EnricherPauseStore store, IOptions<StatusOptions> options, TimeProvider clock)
    {
        var staleAfter = options.Value.PauseStaleAfterMinutes;
        return new EnricherReport(staleAfter, await store.ReadAsync(clock.GetUtcNow(), TimeSpan.FromMinutes(staleAfter)));
    }
}

/// <summary>The calling API key: its name and roles (never the key itself).</summary>
public sealed record ApiKeyView(string Name, IReadOnlyList<string> Roles);

public sealed record WebhookReport(int RateWindowMinutes, IReadOnlyList<WebhookRunway> Tables);

/// <param name="PauseStaleAfterMinutes">Pauses older than this are not shown (<c>Status:PauseStaleAfterMinutes</c>).</param>
/// <param name="Paused">One entry per instance and reason, oldest first; empty when every Enricher delivers.</param>
public sealed record EnricherReport(int PauseStaleAfterMinutes, IReadOnlyList<EnricherPause> Paused);
