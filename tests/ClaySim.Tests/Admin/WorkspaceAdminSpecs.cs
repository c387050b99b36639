using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ClayBus.ClaySim.Tests.Ingest;
using ClayBus.ClaySim.Tests.Support;

namespace ClayBus.ClaySim.Tests.Admin;

/// <summary>The default workspace, the admin API's refusals, reset, and the Prometheus text.</summary>
public sealed class WorkspaceAdminSpecs() : ClaySimSpecs(new Dictionary<string, string?> { ["ClaySim:EnrichmentEnabled"] = "false" })
{
    private static readonly string[] DefaultTables =
        ["event-attendees", "inbound-leads", "outbound-leads-finance", "outbound-leads-tech", "outbound-leads-tech-no-apollo"];

    [Fact]
    public async Task Should_start_with_the_default_workspace_of_two_webhooks_a_table()
    {
        var tables = (await Sim.WorkspaceAsync())["tables"]!.AsArray();

        Assert.Equal(DefaultTables, tables.Select(t => t!["key"]!.GetValue<string>()));
        Assert.All(tables, table =>
        {
            var hooks = table!["webhooks"]!.AsArray();
            Assert.Equal(2, hooks.Count);
            Assert.All(hooks, h => Assert.StartsWith("pull-in-data-from-a-webhook-", h!["id"]!.GetValue<string>(), StringComparison.Ordinal));
            Assert.All(hooks, h => Assert.EndsWith("/v3/sources/webhook/" + h!["id"]!.GetValue<string>(), h["url"]!.GetValue<string>(), StringComparison.Ordinal));
            Assert.All(hooks, h => Assert.Equal(50_000, h!["cap"]!.GetValue<long>()));
        });
        var noApollo = tables.Single(t => t!["key"]!.GetValue<string>() == "outbound-leads-tech-no-apollo")!["waterfall"]!.AsArray();
        Assert.DoesNotContain("apollo", noApollo.Select(p => p!.GetValue<string>()));
        Assert.Equal(5, tables[0]!["waterfall"]!.AsArray().Count);
    }

    [Fact]
    public async Task Should_restore_the_default_workspace_and_zero_every_counter_on_reset()
    {
        var before = await Sim.WorkspaceAsync();
        var hook = (await Sim.CreateTableAsync("temporary"))!;
        await Sim.SendRowsAsync(hook, ["r1"]);
        var defaultHook = before["tables"]![0]!["webhooks"]![0]!;
        await Sim.Http.PostAsync(new Uri($"/_sim/webhooks/{defaultHook["id"]}/rotate-token", UriKind.Relative), null);
        await Sim.ConfigureAsync(new { bucketCapacity = 5 });

        (await Sim.Http.PostAsync(new Uri("/_sim/reset", UriKind.Relative), null)).EnsureSuccessStatusCode();

        Assert.Equal(before.ToJsonString(), (await Sim.WorkspaceAsync()).ToJsonString());
        Assert.Equal(0, await Sim.CounterAsync("totals", null, "recordsAccepted"));
        Assert.Equal(20, (await Sim.Http.GetFromJsonAsync<JsonObject>("/_sim/config"))!["bucketCapacity"]!.GetValue<int>());
    }

    [Fact]
    public async Task Should_delete_a_table_with_its_webhooks_and_free_its_key()
    {
        var hook = await Sim.CreateTableAsync("doomed");
        var second = await Sim.AddWebhookAsync("doomed");
        (await Sim.SendRowsAsync(hook, ["row-1"])).EnsureSuccessStatusCode();

        var deleted = await Sim.Http.DeleteAsync(new Uri("/_sim/tables/doomed", UriKind.Relative));
        var deletedAgain = await Sim.Http.DeleteAsync(new Uri("/_sim/tables/doomed", UriKind.Relative));
        var ingest = await Sim.SendRowsAsync(hook, ["row-2"]);
        var ingestSecond = await Sim.SendRowsAsync(second, ["row-2"]);
        var newWebhook = await Sim.Http.PostAsJsonAsync("/_sim/tables/doomed/webhooks", new { });
        var keys = (await Sim.WorkspaceAsync())["tables"]!.AsArray().Select(t => t!["key"]!.GetValue<string>()).ToList();

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        await IngestEndpointSpecs.AssertRejected(deletedAgain, HttpStatusCode.NotFound, "table_not_found", "doomed");
        await IngestEndpointSpecs.AssertRejected(ingest, HttpStatusCode.NotFound, "webhook_not_found", "deleted");
        Assert.Equal(HttpStatusCode.NotFound, ingestSecond.StatusCode);
        await IngestEndpointSpecs.AssertRejected(newWebhook, HttpStatusCode.NotFound, "table_not_found", "doomed");
        Assert.DoesNotContain("doomed", keys);
        Assert.Equal(DefaultTables, keys);

        // The key is free again, and the new table starts empty: the old table's row ids are not its duplicates.
        var reborn = await Sim.CreateTableAsync("doomed");
        Assert.Equal(HttpStatusCode.OK, (await Sim.SendRowsAsync(reborn, ["row-1"])).StatusCode);
        Assert.Equal(1, await Sim.CounterAsync("tables", "doomed", "recordsAccepted"));
        Assert.Equal(0, await Sim.CounterAsync("tables", "doomed", "duplicateRowIds"));
        Assert.Equal(2, await Sim.CounterAsync("totals", null, "recordsAccepted"));
    }

    [Theory]
    [InlineData("/_sim/tables", """{"key":"has spaces"}""", "key must be")]
    [InlineData("/_sim/tables", """{"key":"t","waterfall":["nobody"]}""", "provider 'nobody'")]
    [InlineData("/_sim/tables", """{"key":"t","callbackUrl":"ftp://x"}""", "callbackUrl")]
    [InlineData("/_sim/tables/inbound-leads/webhooks", """{"cap":0}""", "cap must be")]
    public async Task Should_refuse_a_bad_admin_request_naming_the_field(string path, string body, string why)
    {
        var response = await Sim.Http.PostAsync(new Uri(path, UriKind.Relative), new StringContent(body, System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(why, (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_speed_factor_of_zero()
    {
        var response = await Sim.Http.PutAsJsonAsync("/_sim/config", new { speedFactor = 0 });

        await IngestEndpointSpecs.AssertRejected(response, HttpStatusCode.BadRequest, "invalid_config", "speedFactor");
    }

    [Fact]
    public async Task Should_serve_the_counters_as_Prometheus_text_with_webhook_ids_masked()
    {
        var hook = await Sim.CreateTableAsync("metrics-specs");
        await Sim.SendRowsAsync(hook, ["a", "a"]);

        var text = await Sim.Http.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Contains("claysim_records_accepted_total{scope=\"table\",table=\"metrics-specs\"} 2", text, StringComparison.Ordinal);
        Assert.Contains("claysim_duplicate_row_ids_total{scope=\"workspace\"} 1", text, StringComparison.Ordinal);
        Assert.DoesNotContain(hook.Id, text, StringComparison.Ordinal);
    }
}
