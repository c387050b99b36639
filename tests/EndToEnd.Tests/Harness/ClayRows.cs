using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ClayBus.EndToEnd.Tests.Harness;

/// <summary>One accepted row as the Submitter's dry run reports it: the table it goes to and its <c>claybus_row_id</c>.</summary>
public sealed record RoutedRow(string Table, string RowId);

/// <summary>Row-level views a test needs besides the job's figures: row ids, lineage, and callbacks sent as Clay sends them.</summary>
public static class ClayRows
{
    /// <summary>
    /// The rows a file would send, from a dry run (<c>POST /jobs/csv?dryRun=true</c>, which publishes and claims
    /// nothing). Run it before the real submission: afterwards the rows read as duplicates of that job.
    /// </summary>
    public static async Task<IReadOnlyList<RoutedRow>> DryRunAsync(Pipeline pipeline, string csv)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var response = await pipeline.SubmitterHttp.PostAsync(new Uri("jobs/csv?dryRun=true", UriKind.Relative), content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"dry run answered {(int)response.StatusCode}: {body}");
        using var report = JsonDocument.Parse(body);
        return [.. report.RootElement.GetProperty("routes").EnumerateArray()
            .Where(route => route.GetProperty("outcome").GetString() == "accepted")
            .Select(route => new RoutedRow(route.GetProperty("destination").GetString()!, route.GetProperty("rowId").GetString()!))];
    }

    /// <summary><c>GET /rows/{claybus_row_id}</c>: where the lead went, and what Clay answered for it.</summary>
    public static async Task<JsonElement> LineageAsync(Pipeline pipeline, string rowId) =>
        await pipeline.MonitorHttp.GetFromJsonAsync<JsonElement>(new Uri($"rows/{rowId}", UriKind.Relative));

    /// <summary>
    /// What Clay's HTTP API column sends for a finished row (docs/clay-interfaces.md §1), posted to the Monitor with
    /// the run's shared secret. Returns the status code the Monitor answered.
    /// </summary>
    public static async Task<HttpStatusCode> CallBackAsync(Pipeline pipeline, Guid jobId, RoutedRow row, string provider, decimal dataCredits)
    {
        using var http = new HttpClient { BaseAddress = pipeline.Monitor.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"clay/callbacks/{row.Table}", UriKind.Relative))
        {
            Content = JsonContent.Create(new Dictionary<string, object?>
            {
                ["claybus_row_id"] = row.RowId,
                ["claybus_job_id"] = jobId.ToString(),
                ["status"] = "enriched",
                ["successful_provider"] = provider,
                ["enriched"] = new Dictionary<string, string> { ["job_title"] = "CTO", ["company_name"] = "Acme" },
                ["providers"] = new[] { new Dictionary<string, object> { ["provider"] = provider, ["result"] = "hit", ["data_credits"] = dataCredits, ["latency_ms"] = 900 } },
                ["credits"] = new Dictionary<string, object> { ["data_credits"] = dataCredits, ["actions"] = 2 },
            }),
        };
        request.Headers.Add("x-claybus-callback-secret", pipeline.CallbackSecret);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }
}
