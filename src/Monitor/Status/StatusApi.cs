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
        status.MapGet("/dead-letters", (DeadLetterReader reader, CancellationToken cancellationToken) => reader.ReadAsync(cancellationToken))
            .WithName("GetDeadLetters")
            .WithSummary("Depth of every _error queue and the failures grouped by reason (peeked through the RabbitMQ management API).");
        return app;
    }

    private static async Task<WebhookReport> GetWebhooks(WebhookViewStore store, IOptions<StatusOptions> options, TimeProvider clock)
    {
        var now = clock.GetUtcNow();
        var window = TimeSpan.FromMinutes(options.Value.WebhookRateWindowMinutes);
        var tables = (await store.ReadAsync(now, window)).Select(entry => WebhookRunway.From(entry.Usage, entry.SentInWindow, window, now)).ToList();
        return new WebhookReport(options.Value.WebhookRateWindowMinutes, tables);
    }
}

public sealed record WebhookReport(int RateWindowMinutes, IReadOnlyList<WebhookRunway> Tables);
