using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.Testing;

namespace ClayBus.Enricher.Tests.Fixtures;

/// <summary>
/// RabbitMQ and Redis of its own, plus ClaySim running as its own process (built from tools/ClaySim), with its
/// enrichment off so only ingest is measured and nothing calls back.
/// </summary>
public class DeliveryFixture : InfrastructureFixture
{
    public ServiceProcess ClaySim { get; private set; } = null!;

    public ClaySimAdmin Sim { get; private set; } = null!;

    public TestBus Bus { get; private set; } = null!;

    public static bool Full => System.Environment.GetEnvironmentVariable("CLAYBUS_FULL") == "1";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        ClaySim = ServiceProcess.Start("tools/ClaySim", new Dictionary<string, string?> { ["Logging__LogLevel__Default"] = "Warning" }, name: "ClaySim");
        await ClaySim.WaitReadyAsync("_sim/health");
        Sim = new ClaySimAdmin(new HttpClient { BaseAddress = ClaySim.BaseAddress });
        await Sim.ConfigureAsync(new { enrichmentEnabled = false, bucketCapacity = 20, refillPerSecond = 200 });
        Bus = await TestBus.StartAsync(Rabbit.Name);
    }

    public override async Task DisposeAsync()
    {
        await Bus.DisposeAsync();
        await ClaySim.DisposeAsync();
        await base.DisposeAsync();
    }

    /// <summary>Messages in a queue of this vhost, read through the management API and put back (reject, requeue).</summary>
    public async Task<IReadOnlyList<JsonElement>> PeekAsync(string queue, int count = 50)
    {
        using var response = await Rabbit.Management.PostAsJsonAsync(
            $"queues/{Rabbit.EscapedName}/{Uri.EscapeDataString(queue)}/get",
            new { count, ackmode = "reject_requeue_true", encoding = "auto", truncate = 100_000 });
        response.EnsureSuccessStatusCode();
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray()];
    }

    /// <summary>"Move messages" of the management UI: a dynamic shovel that deletes itself once the source is empty.</summary>
    public async Task MoveMessagesAsync(string from, string to)
    {
        var uri = "amqp:///" + Uri.EscapeDataString(Rabbit.Name);
        var shovel = new Dictionary<string, object>
        {
            ["src-protocol"] = "amqp091",
            ["src-uri"] = uri,
            ["src-queue"] = from,
            ["dest-protocol"] = "amqp091",
            ["dest-uri"] = uri,
            ["dest-queue"] = to,
            ["src-delete-after"] = "queue-length",
            ["ack-mode"] = "on-confirm",
        };
        using var response = await Rabbit.Management.PutAsJsonAsync(
            $"parameters/shovel/{Rabbit.EscapedName}/move-{Guid.NewGuid():N}", new { value = shovel });
        response.EnsureSuccessStatusCode();
    }
}
