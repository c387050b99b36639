using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ClayBus.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Status;

/// <summary>
/// The one call of RabbitMQ's management HTTP API the dead-letter view needs, for the configured vhost: queue depths,
/// read-only. It never gets messages: a get and requeue counts as a redelivery, and a quorum queue with a delivery
/// limit drops a message after enough of them.
/// </summary>
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
}
