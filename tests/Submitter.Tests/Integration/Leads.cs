using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace ClayBus.Submitter.Tests.Integration;

/// <summary>Unique leads per test (a fresh tag in every email), so dedupe across tests never interferes.</summary>
internal static class Leads
{
    public static List<Dictionary<string, object?>> Rows(int count, string? industry = null, string? source = null, string? tag = null)
    {
        tag ??= Guid.NewGuid().ToString("N")[..10];
        return Enumerable.Range(1, count).Select(index => new Dictionary<string, object?>
        {
            ["email"] = $"lead{index}.{tag}@company{index % 97}.com",
            ["first_name"] = $"First{index}",
            ["last_name"] = $"Last{index}",
            ["industry"] = industry,
            ["source"] = source,
        }).ToList();
    }

    public static string Csv(int count, Func<int, string?>? bad = null, string industry = "Software", string source = "web-form")
    {
        var tag = Guid.NewGuid().ToString("N")[..10];
        var csv = new StringBuilder("email,first_name,last_name,company,industry,source\n");
        for (var index = 1; index <= count; index++)
        {
            csv.Append(bad?.Invoke(index) ?? $"lead{index}.{tag}@company{index % 97}.com,First{index},Last{index},\"Company {index}, Inc\",{industry},{source}\n");
        }

        return csv.ToString();
    }

    public static async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> PostJsonAsync(HttpClient client, object body)
    {
        using var response = await client.PostAsJsonAsync(new Uri("/jobs", UriKind.Relative), body);
        return (response.StatusCode, await Read(response));
    }

    public static async Task<(System.Net.HttpStatusCode Status, JsonElement Body)> PostCsvAsync(HttpClient client, string csv, string query = "")
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        using var response = await client.PostAsync(new Uri("/jobs/csv" + query, UriKind.Relative), content);
        return (response.StatusCode, await Read(response));
    }

    public static async Task<JsonElement> Read(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
