using System.Net.Http.Json;
using System.Text.Json;

namespace ClayBus.Enricher.Tests.Fixtures;

/// <summary>A webhook ClaySim made for a test: its URL and token are what the Enricher's configuration holds.</summary>
public sealed record SimWebhook(string Id, string Url, string? Token);

/// <summary>ClaySim's admin API (docs/clay-interfaces.md §2): set the scene, read the ground truth.</summary>
public sealed class ClaySimAdmin(HttpClient http)
{
    public async Task CreateTableAsync(string key, bool autoDelete = false)
    {
        using var response = await http.PostAsJsonAsync("_sim/tables", new { key, autoDelete });
        response.EnsureSuccessStatusCode();
    }

    public async Task<SimWebhook> CreateWebhookAsync(string table, long? cap = null)
    {
        using var response = await http.PostAsJsonAsync($"_sim/tables/{table}/webhooks", new { cap, withToken = true });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return new SimWebhook(body.GetProperty("id").GetString()!, body.GetProperty("url").GetString()!, body.GetProperty("token").GetString());
    }

    public async Task DeleteWebhookAsync(string id) => (await http.DeleteAsync($"_sim/webhooks/{id}")).EnsureSuccessStatusCode();

    public async Task ConfigureAsync(object settings) => (await http.PutAsJsonAsync("_sim/config", settings)).EnsureSuccessStatusCode();

    public async Task FaultsAsync(object faults) => (await http.PutAsJsonAsync("_sim/faults", faults)).EnsureSuccessStatusCode();

    public async Task ClearFaultsAsync() => (await http.DeleteAsync("_sim/faults")).EnsureSuccessStatusCode();

    public async Task<JsonElement> CountersAsync() => await http.GetFromJsonAsync<JsonElement>("_sim/counters");

    public async Task<double> TableCounterAsync(string table, string counter) =>
        (await CountersAsync()).GetProperty("tables").TryGetProperty(table, out var t) ? t.GetProperty(counter).GetDouble() : 0;

    public async Task<double> WebhookCounterAsync(string id, string counter) =>
        (await CountersAsync()).GetProperty("webhooks").GetProperty(id).GetProperty(counter).GetDouble();

    public async Task<double> TotalAsync(string counter) => (await CountersAsync()).GetProperty("totals").GetProperty(counter).GetDouble();
}
