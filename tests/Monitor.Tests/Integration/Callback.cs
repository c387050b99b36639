using System.Net.Http.Json;

namespace ClayBus.Monitor.Tests.Integration;

/// <summary>Clay's HTTP API column call, as docs/clay-interfaces.md §1 shows it.</summary>
public static class Callback
{
    public static object Body(Guid jobId, string rowId, string status = "enriched", decimal credits = 2.5m) => new Dictionary<string, object?>
    {
        ["claybus_row_id"] = rowId,
        ["claybus_job_id"] = jobId.ToString(),
        ["email"] = "ada@example.com",
        ["status"] = status,
        ["successful_provider"] = status == "enriched" ? "apollo" : null,
        ["enriched"] = new Dictionary<string, string> { ["job_title"] = "CTO" },
        ["providers"] = new object[]
        {
            new Dictionary<string, object> { ["provider"] = "clearbit", ["result"] = "no_data", ["data_credits"] = 0, ["latency_ms"] = 1200 },
            new Dictionary<string, object> { ["provider"] = "apollo", ["result"] = status == "enriched" ? "hit" : "no_data", ["data_credits"] = status == "enriched" ? credits : 0 },
        },
        ["credits"] = new Dictionary<string, object> { ["data_credits"] = status == "enriched" ? credits : 0, ["actions"] = 3 },
    };

    public static async Task<HttpResponseMessage> Send(HttpClient client, string table, object body, string? secret = MonitorHost.Secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/clay/callbacks/{table}", UriKind.Relative)) { Content = JsonContent.Create(body) };
        if (secret is not null)
        {
            request.Headers.Add("x-claybus-callback-secret", secret);
        }

        return await client.SendAsync(request);
    }
}
