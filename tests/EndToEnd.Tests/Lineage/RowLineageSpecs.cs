using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Lineage;

/// <summary>
/// <c>GET /rows/{id}</c> after a finished job, for every accepted row: where it came from (the API key and source, the
/// uploaded file, its row number) and what Clay charged for it, checked against ClaySim's per-row charges (issue 20:
/// per-row credits proven).
/// </summary>
[Trait("Category", "Integration")]
public sealed class RowLineageSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private const string FileName = "leads-december.csv";

    [Fact]
    public async Task Should_show_each_rows_source_and_the_credits_clay_charged_for_it()
    {
        await using var pipeline = await Pipeline.StartAsync(infrastructure, new PipelineSettings());
        try
        {
            var leads = LeadFile.Create(unique: 600, batch: "lineage");
            // The dry run names each row's id and number as the real run will (same file, same routing).
            var routes = (await SubmitAsync(pipeline, leads.Csv, "dryRun=true", HttpStatusCode.OK)).GetProperty("routes").EnumerateArray()
                .Where(route => route.GetProperty("outcome").GetString() == "accepted")
                .ToDictionary(route => route.GetProperty("rowId").GetString()!, route => route.GetProperty("row").GetInt32());
            Assert.Equal(leads.ExpectedAccepted, routes.Count);

            var jobId = (await SubmitAsync(pipeline, leads.Csv, $"source=crm-export&fileName={FileName}", HttpStatusCode.Accepted)).GetProperty("jobId").GetGuid();
            await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(5), "completed", "completedWithFailures");

            // ClaySim charges a callback's Action once the Monitor answered it, a moment after the saga counted it, and
            // its totals after the row: once they agree, every row's charge is complete.
            await Eventually.Until(
                async () => (await pipeline.CountersAsync()).GetProperty("totals").GetProperty("callbacksSent").GetInt32() >= routes.Count,
                TimeSpan.FromSeconds(30),
                "every callback answered");
            var (charged, _) = await Eventually.Value(
                () => ChargedAsync(pipeline, [.. routes.Keys]),
                read => read.Rows.Values.Sum(row => row.Actions) == read.TotalActions,
                TimeSpan.FromSeconds(30),
                "ClaySim's per-row charges to add up to its totals");
            Assert.Equal(routes.Count, charged.Count);
            var mismatches = new List<string>();
            foreach (var (rowId, number) in routes)
            {
                var row = await pipeline.MonitorHttp.GetFromJsonAsync<JsonElement>($"rows/{rowId}");
                var (credits, actions) = charged[rowId];
                var seen = (Credits: row.GetProperty("dataCredits").GetDecimal(), Actions: row.GetProperty("actions").GetInt32(), Job: row.GetProperty("jobId").GetGuid(),
                    Source: row.GetProperty("source").GetString(), File: row.GetProperty("fileName").GetString(), Number: row.GetProperty("rowNumber").GetInt32());
                if (seen != (credits, actions, jobId, "dev-only-local (crm-export)", FileName, number))
                {
                    mismatches.Add($"{rowId}: lineage {seen}, ClaySim charged {credits.ToString(CultureInfo.InvariantCulture)} credits and {actions} actions, row {number}");
                }
            }

            Assert.True(mismatches.Count == 0, $"{mismatches.Count} of {routes.Count} rows differ:{Environment.NewLine}{string.Join(Environment.NewLine, mismatches.Take(10))}");
            Assert.True(charged.Values.Sum(charge => charge.Credits) > 0, "ClaySim charged nothing: the comparison proved nothing");
        }
        finally
        {
            await pipeline.SaveOutputAsync("row-lineage");
        }
    }

    private static async Task<JsonElement> SubmitAsync(Pipeline pipeline, string csv, string query, HttpStatusCode expected)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var response = await pipeline.SubmitterHttp.PostAsync(new Uri($"jobs/csv?{query}", UriKind.Relative), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"POST /jobs/csv?{query} answered {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>ClaySim's ground truth: what Clay charged for each row, over every copy it took, and its total Actions read before.</summary>
    private static async Task<(Dictionary<string, (decimal Credits, int Actions)> Rows, int TotalActions)> ChargedAsync(Pipeline pipeline, string[] rowIds)
    {
        var total = (await pipeline.CountersAsync()).GetProperty("totals").GetProperty("actionsCharged").GetInt32();
        using var response = await pipeline.ClaySimHttp.PostAsJsonAsync("_sim/rows/lookup", new { rowIds });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        var rows = body.GetProperty("rows").EnumerateArray().ToDictionary(
            row => row.GetProperty("rowId").GetString()!,
            row => (row.GetProperty("dataCreditsCharged").GetDecimal(), row.GetProperty("actionsCharged").GetInt32()));
        return (rows, total);
    }
}
