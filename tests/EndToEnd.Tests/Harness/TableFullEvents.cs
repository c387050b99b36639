using System.Net.Http.Json;
using System.Text.Json;

namespace ClayBus.EndToEnd.Tests.Harness;

/// <summary>
/// <c>TableFull</c> as any consumer would see it: a queue bound to its exchange, declared as MassTransit declares it,
/// through the management API, so the scenario needs none of the services' types.
/// </summary>
public static class TableFullEvents
{
    private const string Queue = "e2e-table-full";

    /// <summary>Call before the run: events published before the queue is bound are not seen.</summary>
    public static async Task ObserveAsync(Pipeline pipeline)
    {
        var rabbit = pipeline.Infrastructure.Rabbit;
        var exchange = Uri.EscapeDataString("ClayBus.Contracts.Delivery:TableFull");
        (await rabbit.Management.PutAsJsonAsync($"exchanges/{rabbit.EscapedName}/{exchange}", new { type = "fanout", durable = true })).EnsureSuccessStatusCode();
        (await rabbit.Management.PutAsJsonAsync($"queues/{rabbit.EscapedName}/{Queue}", new { durable = true })).EnsureSuccessStatusCode();
        (await rabbit.Management.PostAsJsonAsync($"bindings/{rabbit.EscapedName}/e/{exchange}/q/{Queue}", new { routing_key = "" })).EnsureSuccessStatusCode();
    }

    /// <summary>The events so far, left in the queue (a peek).</summary>
    public static async Task<IReadOnlyList<JsonElement>> ReadAsync(Pipeline pipeline)
    {
        var rabbit = pipeline.Infrastructure.Rabbit;
        using var response = await rabbit.Management.PostAsJsonAsync(
            $"queues/{rabbit.EscapedName}/{Queue}/get",
            new { count = 100, ackmode = "reject_requeue_true", encoding = "auto", truncate = 100_000 });
        response.EnsureSuccessStatusCode();
        return [.. (await response.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().Select(m => JsonDocument.Parse(m.GetProperty("payload").GetString()!).RootElement)];
    }
}
