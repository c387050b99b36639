using System.Net;
using ClayBus.ClaySim.Tests.Support;

namespace ClayBus.ClaySim.Tests.Ingest;

/// <summary>Lifetime cap per webhook and row cap per table: exact under concurrent senders, silent by default.</summary>
public sealed class CapSpecs() : ClaySimSpecs(new Dictionary<string, string?> { ["ClaySim:EnrichmentEnabled"] = "false", ["ClaySim:LimitsEnabled"] = "false" })
{
    private static readonly bool Full = Environment.GetEnvironmentVariable("CLAYBUS_FULL") == "1";

    [Fact]
    public async Task Should_accept_exactly_the_lifetime_cap_from_eight_concurrent_senders_and_drop_the_rest_silently()
    {
        var cap = Full ? 50_000 : 2_000;
        var hook = await Sim.CreateTableAsync("cap-specs", new { rowCap = 10_000_000 }, cap: cap);
        var perSender = (cap / 8) + 250;

        var statuses = await SendConcurrently(8, perSender, _ => hook);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(cap, await Sim.CounterAsync("webhooks", hook.Id, "recordsAccepted"));
        Assert.Equal((8 * perSender) - cap, await Sim.CounterAsync("webhooks", hook.Id, "droppedOverCap"));
    }

    [Fact]
    public async Task Should_stop_a_table_at_its_row_cap_across_its_webhooks()
    {
        var first = await Sim.CreateTableAsync("row-cap-specs", new { rowCap = 1_000 });
        var second = await Sim.AddWebhookAsync("row-cap-specs");

        var statuses = await SendConcurrently(8, 250, sender => sender % 2 == 0 ? first : second);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        Assert.Equal(1_000, await Sim.CounterAsync("tables", "row-cap-specs", "recordsAccepted"));
        Assert.Equal(1_000, await Sim.CounterAsync("tables", "row-cap-specs", "droppedOverTableCap"));
    }

    [Fact]
    public async Task Should_create_a_table_with_a_small_row_cap_and_drop_past_it_silently()
    {
        var hook = await Sim.CreateTableAsync("small-cap-specs", new { rowCap = 300 });
        var uncapped = await Sim.CreateTableAsync("small-cap-auto-delete-specs", new { autoDelete = true, rowCap = 300 });

        var statuses = await SendConcurrently(4, 100, _ => hook);
        await SendConcurrently(4, 100, _ => uncapped);

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.OK, s));
        var tables = (await Sim.WorkspaceAsync())["tables"]!.AsArray().ToDictionary(t => t!["key"]!.GetValue<string>());
        Assert.Equal(300, tables["small-cap-specs"]!["rowCap"]!.GetValue<long>());
        Assert.Null(tables["small-cap-auto-delete-specs"]!["rowCap"]);
        Assert.Equal(300, await Sim.CounterAsync("tables", "small-cap-specs", "recordsAccepted"));
        Assert.Equal(100, await Sim.CounterAsync("tables", "small-cap-specs", "droppedOverTableCap"));
        Assert.Equal(400, await Sim.CounterAsync("tables", "small-cap-auto-delete-specs", "recordsAccepted"));
        Assert.Equal(0, await Sim.CounterAsync("tables", "small-cap-auto-delete-specs", "droppedOverCap"));
    }

    [Fact]
    public async Task Should_not_cap_an_auto_delete_table()
    {
        var hook = await Sim.CreateTableAsync("auto-delete-specs", new { autoDelete = true }, cap: 100);

        await SendConcurrently(4, 250, _ => hook);

        Assert.Equal(1_000, await Sim.CounterAsync("webhooks", hook.Id, "recordsAccepted"));
        Assert.Equal(0, await Sim.CounterAsync("webhooks", hook.Id, "droppedOverCap"));
    }

    [Fact]
    public async Task Should_count_each_repeated_row_id_as_a_duplicate_within_its_table_only()
    {
        var tech = await Sim.CreateTableAsync("dupes-tech");
        var finance = await Sim.CreateTableAsync("dupes-finance");
        var rows = Enumerable.Range(0, 10).Select(i => $"row-{i}").ToList();

        await Sim.SendRowsAsync(tech, rows);
        await Sim.SendRowsAsync(tech, rows.Take(3));
        await Sim.SendRowsAsync(tech, ["row-0"]);
        await Sim.SendRowsAsync(finance, rows);
        await Sim.SendAsync(tech, """[{"no_row_id":1},{"no_row_id":1}]""");

        Assert.Equal(4, await Sim.CounterAsync("tables", "dupes-tech", "duplicateRowIds"));
        Assert.Equal(0, await Sim.CounterAsync("tables", "dupes-finance", "duplicateRowIds"));
        Assert.Equal(4, await Sim.CounterAsync("totals", null, "duplicateRowIds"));
    }

    /// <summary>Each sender posts arrays of 7 records until it has sent <paramref name="recordsEach"/>.</summary>
    private async Task<List<HttpStatusCode>> SendConcurrently(int senders, int recordsEach, Func<int, Webhook> hookOf)
    {
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        await Task.WhenAll(Enumerable.Range(0, senders).Select(sender => Task.Run(async () =>
        {
            for (var sent = 0; sent < recordsEach; sent += 7)
            {
                var response = await Sim.SendAsync(hookOf(sender), IngestEndpointSpecs.Records(Math.Min(7, recordsEach - sent)));
                statuses.Add(response.StatusCode);
            }
        })));
        return [.. statuses];
    }
}
