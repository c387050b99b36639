using ClayBus.ClaySim.Enrichment;
using ClayBus.ClaySim.Faults;
using ClayBus.ClaySim.Workspace;
using Microsoft.Extensions.Options;

namespace ClayBus.ClaySim.Admin;

/// <summary>
/// The admin API under <c>/_sim/</c> (docs/clay-interfaces.md §2): tables, webhooks, providers, settings and reset.
/// Never called by ClayBus services: tests, benchmarks and scripts use it to set the scene and read the truth.
/// </summary>
internal static class WorkspaceEndpoints
{
    public static IEndpointRouteBuilder MapWorkspaceAdmin(this IEndpointRouteBuilder app)
    {
        var sim = app.MapGroup("/_sim");
        sim.MapGet("/health", () => Results.Ok(new { status = "ok" }));
        sim.MapGet("/workspace", (HttpRequest request, ClayWorkspace workspace, IOptions<ClaySimOptions> options) =>
            Results.Ok(new { tables = workspace.Tables.Select(t => TableView.Of(t, BaseUrl(request, options.Value))) }));
        sim.MapPost("/tables", (TableSpec spec, HttpRequest request, ClayWorkspace workspace, IOptions<ClaySimOptions> options) =>
        {
            var (table, problem) = workspace.CreateTable(spec);
            return table is null
                ? Problem(problem!.Contains("exists", StringComparison.Ordinal) ? 409 : 400, "invalid_table", problem)
                : Results.Created($"/_sim/tables/{table.Key}", TableView.Of(table, BaseUrl(request, options.Value)));
        });
        sim.MapDelete("/tables/{key}", (string key, ClayWorkspace workspace) =>
            workspace.DeleteTable(key) ? Results.NoContent() : Problem(404, "table_not_found", $"no table '{key}'"));
        sim.MapPost("/tables/{key}/webhooks", (string key, WebhookSpec? spec, HttpRequest request, ClayWorkspace workspace, IOptions<ClaySimOptions> options) =>
        {
            if (workspace.FindTable(key) is not { } table)
            {
                return Problem(404, "table_not_found", $"no table '{key}'");
            }

            if (spec?.Cap is < 1)
            {
                return Problem(400, "invalid_webhook", "cap must be at least 1");
            }

            var hook = workspace.CreateWebhook(table, spec?.Cap, spec?.WithToken ?? true);
            return Results.Created($"/_sim/webhooks/{hook.Id}", WebhookView.Of(hook, BaseUrl(request, options.Value)));
        });
        // Webhook deleted and token rotated are faults too (clay-spec §4): each takes an optional ?forSeconds=, after
        // which the webhook answers again / the token in force before is valid again, as PUT /_sim/faults time-boxes.
        sim.MapDelete("/webhooks/{id}", (string id, double? forSeconds, ClayWorkspace workspace, TimeProvider time) =>
        {
            if (TimeBox.Problem(forSeconds) is { } problem)
            {
                return Problem(400, "invalid_time_box", problem);
            }

            if (workspace.FindWebhook(id) is not { } hook)
            {
                return Problem(404, "webhook_not_found", "no webhook with this id");
            }

            if (TimeBox.End(time.GetUtcNow(), forSeconds) is not { } until)
            {
                hook.Deleted = true;
                return Results.NoContent();
            }

            if (hook.Deleted)
            {
                return Problem(404, "webhook_not_found", "this webhook was deleted for good: a time box cannot bring it back");
            }

            hook.DeleteUntil(until);
            return Results.NoContent();
        });
        sim.MapPost("/webhooks/{id}/rotate-token", (string id, double? forSeconds, ClayWorkspace workspace, TimeProvider time) =>
        {
            if (TimeBox.Problem(forSeconds) is { } problem)
            {
                return Problem(400, "invalid_time_box", problem);
            }

            if (workspace.FindWebhook(id) is not { Gone: false } hook)
            {
                return Problem(404, "webhook_not_found", "no live webhook with this id");
            }

            var revertsAt = TimeBox.End(time.GetUtcNow(), forSeconds);
            var token = ClayWorkspace.NewToken();
            hook.RotateToken(token, revertsAt);
            return Results.Ok(new { token, revertsAt });
        });
        sim.MapGet("/providers", (ClayWorkspace workspace) => Results.Ok(workspace.Providers.ToDictionary(p => p.Key, p => p.Value, StringComparer.Ordinal)));
        sim.MapPut("/providers/{name}", (string name, ProviderProfile profile, ClayWorkspace workspace) =>
        {
            if (profile.Problem() is { } problem)
            {
                return Problem(400, "invalid_provider", problem);
            }

            workspace.Providers[name] = profile;
            return Results.Ok(profile);
        });
        sim.MapGet("/config", (SettingsBoard settings) => Results.Ok(settings.Current));
        sim.MapPut("/config", (SettingsChange change, ClayWorkspace workspace, SettingsBoard settings) =>
        {
            var (next, problem) = settings.Current.With(change);
            if (next is null)
            {
                return Problem(400, "invalid_config", problem!);
            }

            workspace.ApplySettings(next);
            return Results.Ok(next);
        });
        sim.MapPost("/reset", (ClayWorkspace workspace, FaultBoard faults) =>
        {
            faults.Clear();
            workspace.Restore();
            return Results.NoContent();
        });
        return app;
    }

    public static IResult Problem(int status, string error, string detail) => Results.Json(new { error, detail }, statusCode: status);

    public static string BaseUrl(HttpRequest request, ClaySimOptions options) =>
        string.IsNullOrWhiteSpace(options.PublicBaseUrl) ? $"{request.Scheme}://{request.Host}" : options.PublicBaseUrl.TrimEnd('/');
}

/// <summary>The body of <c>POST /_sim/tables/{key}/webhooks</c>.</summary>
internal sealed record WebhookSpec(long? Cap, bool? WithToken);

internal sealed record WebhookView(string Id, string Url, string? Token, long Cap, bool Uncapped, bool Deleted, long RecordsAccepted)
{
    public static WebhookView Of(SimWebhook hook, string baseUrl) => new(
        hook.Id,
        $"{baseUrl}/v3/sources/webhook/{hook.Id}",
        hook.Token,
        hook.Cap,
        hook.Table.AutoDelete,
        hook.Gone,
        Interlocked.Read(ref hook.Counters.RecordsAccepted));
}

internal sealed record TableView(
    string Key,
    bool AutoDelete,
    long? RowCap,
    long RowsInTable,
    long RetainedRowIds,
    string CallbackUrl,
    IReadOnlyList<WebhookView> Webhooks,
    IReadOnlyList<string> Waterfall)
{
    public static TableView Of(SimTable table, string baseUrl)
    {
        return new TableView(
            table.Key,
            table.AutoDelete,
            table.AutoDelete ? null : table.RowCap,
            Interlocked.Read(ref table.RowsInTable),
            table.RetainedRowIds,
            table.CallbackUrl.ToString(),
            [.. table.Webhooks().Select(h => WebhookView.Of(h, baseUrl))],
            table.Waterfall);
    }
}
