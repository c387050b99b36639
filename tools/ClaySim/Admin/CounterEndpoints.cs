using System.Globalization;
using System.Text;
using ClayBus.ClaySim.Enrichment;
using ClayBus.ClaySim.Ingest;
using ClayBus.ClaySim.Workspace;

namespace ClayBus.ClaySim.Admin;

/// <summary>
/// The ground truth: <c>GET /_sim/counters</c> (and one job's, <c>GET /_sim/counters/jobs/{jobId}</c>) as JSON and
/// <c>GET /metrics</c> in Prometheus text. Metrics label a
/// webhook by the last six characters of its id only, since the id is the secret part of the URL.
/// </summary>
internal static class CounterEndpoints
{
    public static IEndpointRouteBuilder MapCounters(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_sim/counters", (ClayWorkspace workspace, EnrichmentQueue queue) => Results.Ok(new
        {
            totals = workspace.Totals.Snapshot(),
            pendingEnrichment = queue.Pending,
            webhooks = workspace.Webhooks.ToDictionary(h => h.Id, h => h.Counters.Snapshot(), StringComparer.Ordinal),
            tables = workspace.Tables.ToDictionary(t => t.Key, t => t.Counters.Snapshot(), StringComparer.Ordinal),
            providers = workspace.ProviderCounters.ToDictionary(p => p.Key, p => p.Value.Snapshot(), StringComparer.Ordinal),
        }));
        app.MapGet("/_sim/counters/jobs/{jobId}", (string jobId, ClayWorkspace workspace) =>
            workspace.FindJob(RowHash.Of(Encoding.UTF8.GetBytes(jobId))) is { } job && job.Id == jobId
                ? Results.Ok(job.Figures())
                : WorkspaceEndpoints.Problem(404, "job_not_found", $"no record with claybus_job_id '{jobId}' was accepted since the last reset"));
        app.MapGet("/metrics", (ClayWorkspace workspace, EnrichmentQueue queue) =>
            Results.Text(Prometheus(workspace, queue), "text/plain; version=0.0.4; charset=utf-8"));
        return app;
    }

    private static string Prometheus(ClayWorkspace workspace, EnrichmentQueue queue)
    {
        var scopes = new List<(string Labels, IReadOnlyDictionary<string, double> Values)>
        {
            ("scope=\"workspace\"", workspace.Totals.Snapshot()),
        };
        scopes.AddRange(workspace.Tables.Select(t => ($"scope=\"table\",table=\"{t.Key}\"", t.Counters.Snapshot())));
        scopes.AddRange(workspace.Webhooks.Select(h => ($"scope=\"webhook\",table=\"{h.Table.Key}\",webhook=\"{h.Masked}\"", h.Counters.Snapshot())));
        scopes.AddRange(workspace.ProviderCounters.Select(p => ($"scope=\"provider\",provider=\"{p.Key}\"", p.Value.Snapshot())));

        var text = new StringBuilder();
        foreach (var name in scopes[0].Values.Keys)
        {
            var metric = "claysim_" + Snake(name) + "_total";
            text.Append(CultureInfo.InvariantCulture, $"# TYPE {metric} counter\n");
            foreach (var (labels, values) in scopes)
            {
                text.Append(CultureInfo.InvariantCulture, $"{metric}{{{labels}}} {values[name]}\n");
            }
        }

        text.Append("# TYPE claysim_pending_enrichment gauge\n")
            .Append(CultureInfo.InvariantCulture, $"claysim_pending_enrichment {queue.Pending}\n");
        return text.ToString();
    }

    private static string Snake(string camel)
    {
        var text = new StringBuilder(camel.Length + 8);
        foreach (var c in camel)
        {
            if (char.IsUpper(c))
            {
                text.Append('_').Append(char.ToLowerInvariant(c));
            }
            else
            {
                text.Append(c);
            }
        }

        return text.ToString();
    }
}
