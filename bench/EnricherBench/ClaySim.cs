using System.Net.Http.Json;
using System.Text.Json;

namespace ClayBus.EnricherBench;

/// <summary>ClaySim's totals that the figures come from (docs/clay-interfaces.md §2).</summary>
public sealed record SimTotals(long RecordsAccepted, long Requests, long Responses429);

/// <summary>ClaySim as its own process with one auto-delete (uncapped) table for the benchmark, and its admin API.</summary>
public sealed class ClaySim : IDisposable
{
    public const string Table = "bench";

    private readonly ChildProcess _process;
    private readonly HttpClient _http;

    private ClaySim(ChildProcess process)
    {
        _process = process;
        _http = new HttpClient { BaseAddress = process.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>The Enricher's settings for the bench table, read from <c>GET /_sim/workspace</c> as an operator would copy them.</summary>
    public Dictionary<string, string?> WebhookSettings { get; } = [];

    public static async Task<ClaySim> StartAsync(double recordsPerSecond, int burst)
    {
        var sim = new ClaySim(ChildProcess.Start("tools/ClaySim", "claysim", new Dictionary<string, string?>
        {
            ["ClaySim__RefillPerSecond"] = recordsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["ClaySim__BucketCapacity"] = burst.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Only ingest is measured: nothing enriches and nothing calls back.
            ["ClaySim__EnrichmentEnabled"] = "false",
            ["ClaySim__PrintWebhookUrls"] = "false",
            ["Logging__LogLevel__Default"] = "Warning",
        }));
        await sim._process.WaitReadyAsync("_sim/health");
        (await sim._http.PostAsJsonAsync("_sim/tables", new { key = Table, autoDelete = true })).EnsureSuccessStatusCode();
        (await sim._http.PostAsJsonAsync($"_sim/tables/{Table}/webhooks", new { withToken = true })).EnsureSuccessStatusCode();

        var workspace = await sim._http.GetFromJsonAsync<JsonElement>("_sim/workspace");
        var table = workspace.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("key").GetString() == Table);
        var index = 0;
        foreach (var webhook in table.GetProperty("webhooks").EnumerateArray())
        {
            sim.WebhookSettings[$"Tables__{Table}__Webhooks__{index}__Url"] = webhook.GetProperty("url").GetString();
            sim.WebhookSettings[$"Tables__{Table}__Webhooks__{index}__Token"] = webhook.GetProperty("token").GetString();
            index++;
        }

        sim.WebhookSettings[$"Tables__{Table}__AutoDelete"] = "true";
        // The Enricher reserves from a price list; ClaySim's dearest provider (zoominfo) charges 5 a hit.
        sim.WebhookSettings[$"Tables__{Table}__Prices__Providers__zoominfo"] = "5";
        return sim;
    }

    public async Task SetLimitsAsync(bool enabled) =>
        (await _http.PutAsJsonAsync("_sim/config", new { limitsEnabled = enabled })).EnsureSuccessStatusCode();

    public async Task<SimTotals> TotalsAsync()
    {
        var totals = (await _http.GetFromJsonAsync<JsonElement>("_sim/counters")).GetProperty("totals");
        return new SimTotals(totals.GetProperty("recordsAccepted").GetInt64(), totals.GetProperty("requests").GetInt64(), totals.GetProperty("responses429").GetInt64());
    }

    public void Dispose()
    {
        _http.Dispose();
        _process.Dispose();
    }
}
