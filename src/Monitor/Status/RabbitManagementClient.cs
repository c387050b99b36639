using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ClayBus.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Status;

/// <summary>The few calls of RabbitMQ's management HTTP API the dead-letter view needs, for the configured vhost.</summary>
public sealed class RabbitManagementClient(HttpClient http, IOptions<RabbitMqOptions> rabbit)
{
    private string VirtualHost => Uri.EscapeDataString(rabbit.Value.VirtualHost);

    public static void Configure(HttpClient http, RabbitMqOptions options, StatusOptions status)
    {
        http.BaseAddress = new Uri($"{(options.UseTls ? "https" : "http")}://{options.Host}:{options.ManagementPort}/api/");
        http.Timeout = TimeSpan.FromMilliseconds(status.ManagementTimeoutMilliseconds);
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{options.Username}:{options.Password}"));
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
    }

    public async Task<IReadOnlyList<(string Name, long Messages)>> QueuesAsync(CancellationToken cancellationToken)
    {
        var queues = await http.GetFromJsonAsync<JsonElement>($"queues/{VirtualHost}?columns=name,messages", cancellationToken);
        return queues.EnumerateArray()
            .Select(queue => (
                queue.GetProperty("name").GetString()!,
                queue.TryGetProperty("messages", out var messages) && messages.ValueKind == JsonValueKind.Number ? messages.GetInt64() : 0L))
            .ToList();
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> messages and puts them back (ackmode ack_requeue_true): how the
    /// management UI peeks. They return to the queue marked redelivered, which nothing here reads.
    /// </summary>
    public async Task<IReadOnlyList<IReadOnlyDictionary<string, string>>> PeekHeadersAsync(string queue, int count, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync(
            $"queues/{VirtualHost}/{Uri.EscapeDataString(queue)}/get",
            new { count, ackmode = "ack_requeue_true", encoding = "auto", truncate = 1 },
            cancellationToken);
        response.EnsureSuccessStatusCode();
        var messages = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        return messages.EnumerateArray().Select(ReadHeaders).ToList();
    }

    private static IReadOnlyDictionary<string, string> ReadHeaders(JsonElement message)
    {
        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (message.TryGetProperty("properties", out var properties) && properties.TryGetProperty("headers", out var raw) && raw.ValueKind == JsonValueKind.Object)
        {
            foreach (var header in raw.EnumerateObject())
            {
                headers[header.Name] = header.Value.ValueKind == JsonValueKind.String ? header.Value.GetString()! : header.Value.GetRawText();
            }
        }

        return headers;
    }
}
