using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace ClayBus.Testing;

/// <summary>
/// A RabbitMQ virtual host of its own for one test class, made through the management API and deleted after, so
/// that exchanges and queues left by one test never collect messages published by another.
/// </summary>
public sealed class RabbitMqTestVhost : IAsyncDisposable
{
    private RabbitMqTestVhost(string name, HttpClient management)
    {
        Name = name;
        Management = management;
    }

    public string Name { get; }

    /// <summary>The management HTTP API, authenticated as the test user.</summary>
    public HttpClient Management { get; }

    public string EscapedName => Uri.EscapeDataString(Name);

    public static async Task<RabbitMqTestVhost> CreateAsync(string purpose, int? managementPort = null)
    {
        var management = new HttpClient { BaseAddress = new Uri($"http://{TestInfrastructure.RabbitHost}:{managementPort ?? TestInfrastructure.RabbitManagementPort}/api/") };
        var credentials = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{TestInfrastructure.RabbitUser}:{TestInfrastructure.RabbitPassword}"));
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", credentials);
        var vhost = new RabbitMqTestVhost($"test-{purpose}-{Guid.NewGuid():N}", management);
        (await management.PutAsync($"vhosts/{vhost.EscapedName}", null)).EnsureSuccessStatusCode();
        var permissions = JsonContent.Create(new { configure = ".*", write = ".*", read = ".*" });
        (await management.PutAsync($"permissions/{vhost.EscapedName}/{Uri.EscapeDataString(TestInfrastructure.RabbitUser)}", permissions)).EnsureSuccessStatusCode();
        return vhost;
    }

    /// <summary>Messages Ready and Unacked in a queue of this vhost, or -1 if the queue does not exist.</summary>
    public async Task<long> QueueDepthAsync(string queue)
    {
        using var response = await Management.GetAsync($"queues/{EscapedName}/{Uri.EscapeDataString(queue)}");
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return -1;
        }

        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>();
        return body.TryGetProperty("messages", out var messages) && messages.ValueKind == System.Text.Json.JsonValueKind.Number ? messages.GetInt64() : 0;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Management.DeleteAsync($"vhosts/{EscapedName}");
        }
        finally
        {
            Management.Dispose();
        }
    }
}
