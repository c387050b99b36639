using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Paths;

/// <summary>Per-table readings of ClaySim (the ground truth) and of where the Submitter would send a row now.</summary>
public static class ClayTables
{
    /// <summary>Generous: on a shared two-core machine under load the same steps took from seconds to over a minute.</summary>
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    /// <summary>Distinct records a table holds: accepted less duplicates, per ClaySim.</summary>
    public static async Task<long> DistinctAsync(Pipeline pipeline, string table)
    {
        var counters = (await pipeline.CountersAsync()).GetProperty("tables");
        return counters.TryGetProperty(table, out var t) ? t.GetProperty("recordsAccepted").GetInt64() - t.GetProperty("duplicateRowIds").GetInt64() : 0;
    }

    /// <summary>One table's counters as ClaySim reports them.</summary>
    public static async Task<JsonElement> CountersAsync(Pipeline pipeline, string table) =>
        (await pipeline.CountersAsync()).GetProperty("tables").GetProperty(table);

    /// <summary>One table of ClaySim's workspace view (<c>rowsInTable</c>, <c>retainedRowIds</c>, <c>autoDelete</c>).</summary>
    public static async Task<JsonElement> ViewAsync(Pipeline pipeline, string table)
    {
        var workspace = await pipeline.ClaySimHttp.GetFromJsonAsync<JsonElement>("_sim/workspace");
        return workspace.GetProperty("tables").EnumerateArray().Single(t => t.GetProperty("key").GetString() == table);
    }

    /// <summary>Waits until Clay holds <paramref name="expected"/> distinct records and has called back every row.</summary>
    public static async Task SettleAsync(Pipeline pipeline, long expected)
    {
        await Eventually.Until(async () => await pipeline.DistinctAtClayAsync() >= expected, Deadline, $"{expected} distinct records at Clay");
        await Eventually.Until(
            async () => (await pipeline.CountersAsync()).GetProperty("pendingEnrichment").GetInt32() == 0,
            Deadline,
            "ClaySim to finish enriching");
    }

    /// <summary>Where a fresh <c>outbound-leads-tech</c> row (a lead file's first route) would go now, from a dry run.</summary>
    public static async Task<string> DestinationAsync(Pipeline pipeline, string probeBatch)
    {
        var probe = LeadFile.Create(1, probeBatch, duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        return (await ClayRows.DryRunAsync(pipeline, probe.Csv)).Single().Table;
    }
}
