using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClayBus.ClaySim.Tests.Support;

/// <summary>A webhook as <c>GET /_sim/workspace</c> or <c>POST /_sim/tables/{key}/webhooks</c> hands it out.</summary>
public sealed record Webhook(string Id, string Url, string? Token, long Cap);

/// <summary>The admin API and the ingest endpoint, as a test speaks to them.</summary>
public sealed class SimClient(HttpClient http) : IDisposable
{
    public HttpClient Http => http;

    public async Task<Webhook> CreateTableAsync(string key, object? table = null, long? cap = null, bool withToken = true)
    {
        var body = JsonSerializer.SerializeToNode(table ?? new { })!.AsObject();
        body["key"] = key;
        (await http.PostAsJsonAsync("/_sim/tables", body)).EnsureSuccessStatusCode();
        return await AddWebhookAsync(key, cap, withToken);
    }

    public async Task<Webhook> AddWebhookAsync(string table, long? cap = null, bool withToken = true)
    {
        var response = await http.PostAsJsonAsync($"/_sim/tables/{table}/webhooks", new { cap, withToken });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<Webhook>())!;
    }

    public async Task PutAsync(string path, object body) => (await http.PutAsJsonAsync(path, body)).EnsureSuccessStatusCode();

    public Task ConfigureAsync(object settings) => PutAsync("/_sim/config", settings);

    public Task FaultsAsync(object faults) => PutAsync("/_sim/faults", faults);

    /// <summary>A provider that answers at once: <paramref name="hitRate"/> 1 always finds data, 0 never.</summary>
    public Task InstantProviderAsync(string name, double hitRate, double dataCredits = 2, bool ownKey = false) =>
        PutAsync($"/_sim/providers/{name}", new { hitRate, latencyMinMs = 0, latencyMaxMs = 0, errorRate = 0, timeoutRate = 0, dataCredits, ownKey });

    public Task<HttpResponseMessage> SendAsync(Webhook hook, string json, string? token = null, string contentType = "application/json")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/v3/sources/webhook/{hook.Id}")
        {
            Content = new StringContent(json, Encoding.UTF8, contentType),
        };
        if ((token ?? hook.Token) is { } value)
        {
            request.Headers.Add("x-clay-webhook-auth", value);
        }

        return http.SendAsync(request);
    }

    public Task<HttpResponseMessage> SendRowsAsync(Webhook hook, IEnumerable<string> rowIds, string jobId = "job-1") =>
        SendAsync(hook, JsonSerializer.Serialize(rowIds.Select(id => new Dictionary<string, string>
        {
            ["claybus_row_id"] = id,
            ["claybus_job_id"] = jobId,
            ["email"] = $"{id}@example.com",
        })));

    public async Task<JsonNode> CountersAsync() => JsonNode.Parse(await http.GetStringAsync("/_sim/counters"))!;

    public async Task<double> CounterAsync(string scope, string? name, string counter)
    {
        var counters = await CountersAsync();
        var node = name is null ? counters[scope]! : counters[scope]![name]!;
        return node[counter]!.GetValue<double>();
    }

    public async Task<JsonNode> WorkspaceAsync() => JsonNode.Parse(await http.GetStringAsync("/_sim/workspace"))!;

    public void Dispose() => http.Dispose();
}
