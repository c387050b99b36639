using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Priority;

/// <summary>
/// Issue 16, every service its own process, two Enrichers, at Clay's real rate (10 records/s, burst 20): a Low
/// backlog is being delivered when a High job, then a Normal one, is submitted. Each must be wholly accepted by
/// ClaySim before more than <see cref="MaxBacklogRowsAhead"/> further backlog rows are (ClaySim's own acceptance
/// times, from the 202 on). Today's single queue held ~200 rows per Enricher ahead of a hot batch.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HotLeadSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    /// <summary>One client burst (17) in flight, one more reserved within the Low horizon, and a little for the clocks.</summary>
    private const int MaxBacklogRowsAhead = 40;

    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Should_deliver_a_High_and_then_a_Normal_job_before_the_next_40_backlog_rows()
    {
        await using var pipeline = await Pipeline.StartAsync(infrastructure, new PipelineSettings { RecordsPerSecond = 10, Burst = 20, Enrichers = 2 });
        try
        {
            var backlog = LeadFile.Create(unique: 3_000, batch: "backlog");
            var backlogIds = (await ClayRows.DryRunAsync(pipeline, backlog.Csv)).Select(row => row.RowId).ToArray();
            await SubmitAsync(pipeline, backlog.Csv, "low");
            await Eventually.Until(async () => await AcceptedAsync(pipeline) >= 100, Deadline, "the backlog to be under way (100 rows at Clay)");

            foreach (var priority in new[] { "high", "normal" })
            {
                var job = LeadFile.Create(unique: 20, batch: $"{priority}-{Guid.NewGuid():N}"[..16], duplicateEvery: 1_000, invalidEvery: 1_000);
                var ids = (await ClayRows.DryRunAsync(pipeline, job.Csv)).Select(row => row.RowId).ToArray();
                var accepted202 = await SubmitAsync(pipeline, job.Csv, priority);
                var rows = await Eventually.Value(() => LookupAsync(pipeline, ids), found => found.Count == ids.Length, Deadline, $"every {priority} row at Clay");
                var done = rows.Max();

                var backlogAhead = (await LookupAsync(pipeline, backlogIds)).Count(at => at > accepted202 && at <= done);
                Assert.True(
                    backlogAhead <= MaxBacklogRowsAhead,
                    $"{backlogAhead} backlog rows reached Clay before the {priority} job was whole ({(done - accepted202).TotalMilliseconds:F0} ms after its 202)");
            }

            var totals = (await pipeline.CountersAsync()).GetProperty("totals");
            Assert.Equal(0, totals.GetProperty("duplicateRowIds").GetInt32());
        }
        finally
        {
            await pipeline.SaveOutputAsync("hot-leads");
        }
    }

    /// <returns>The moment the 202 arrived.</returns>
    private static async Task<DateTimeOffset> SubmitAsync(Pipeline pipeline, string csv, string priority)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var response = await pipeline.SubmitterHttp.PostAsync(new Uri($"jobs/csv?priority={priority}", UriKind.Relative), content);
        var at = DateTimeOffset.UtcNow;
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST /jobs/csv answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return at;
    }

    private static async Task<long> AcceptedAsync(Pipeline pipeline) =>
        (await pipeline.CountersAsync()).GetProperty("totals").GetProperty("recordsAccepted").GetInt64();

    /// <summary>ClaySim's first acceptance time of each of <paramref name="rowIds"/> it has.</summary>
    private static async Task<List<DateTimeOffset>> LookupAsync(Pipeline pipeline, string[] rowIds)
    {
        using var response = await pipeline.ClaySimHttp.PostAsJsonAsync("_sim/rows/lookup", new { rowIds });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. body.GetProperty("rows").EnumerateArray()
            .Select(row => DateTimeOffset.Parse(row.GetProperty("firstAcceptedAt").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal))];
    }
}
