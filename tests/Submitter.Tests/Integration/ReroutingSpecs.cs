using System.Net;
using System.Text.Json;
using ClayBus.Contracts.Tracking;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.Submitter.Routing;
using ClayBus.Testing;
using Microsoft.Extensions.Options;

namespace ClayBus.Submitter.Tests.Integration;

[Collection(SubmitterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class ReroutingSpecs(SubmitterHost host) : IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Should_route_new_batches_to_the_variant_while_a_provider_is_degraded_and_back_after()
    {
        var client = host.Client();
        await host.Ledger.Publish(new TableRouteChanged("outbound-leads-tech", "outbound-leads-tech-no-apollo", 0, "apollo degraded", DateTimeOffset.UtcNow));
        await Eventually.Until(async () => await host.Redis.Database.HashLengthAsync(host.Redis.Prefix + "submitter:routes") == 1, TimeSpan.FromSeconds(20), "the route to be stored");

        var rerouted = await DestinationsAsync(client);

        await host.Ledger.Publish(new TableRouteChanged("outbound-leads-tech", null, 0, "apollo recovered", DateTimeOffset.UtcNow));
        await Eventually.Until(async () => await host.Redis.Database.HashLengthAsync(host.Redis.Prefix + "submitter:routes") == 0, TimeSpan.FromSeconds(20), "the route to be cleared");
        // Reroutes are cached for two seconds per instance: wait on the answer, not on a clock.
        var restored = await Eventually.Value(() => DestinationsAsync(client), destinations => destinations.All(table => table == "outbound-leads-tech"), TimeSpan.FromSeconds(10), "normal routing");

        Assert.All(rerouted, table => Assert.Equal("outbound-leads-tech-no-apollo", table));
        Assert.Equal(5, restored.Count);
    }

    [Fact]
    public async Task Should_keep_the_newest_route_whatever_order_the_changes_arrive_in()
    {
        var reroutes = new TableReroutes(new RedisKeyspace(host.Redis.Connection, Options.Create(new RedisOptions { KeyPrefix = host.Redis.Prefix })), TimeProvider.System);
        var reroute = new TableReroute("outbound-leads-tech", "outbound-leads-tech-no-apollo", 0, "apollo degraded", DateTimeOffset.UtcNow);

        // The route back (2) is taken before the reroute it replaced (1); then the Monitor re-announces 2.
        Assert.True(await reroutes.ClearAsync("outbound-leads-tech", 2));
        Assert.False(await reroutes.SetAsync(reroute, 1));
        Assert.False(await reroutes.ClearAsync("outbound-leads-tech", 2));
        Assert.Empty(await reroutes.CurrentAsync());

        // A newer change applies, and so does one from a Monitor that does not number its changes.
        Assert.True(await reroutes.SetAsync(reroute, 3));
        Assert.Equal("outbound-leads-tech-no-apollo", (await reroutes.CurrentAsync())["outbound-leads-tech"].RouteToTableKey);
        Assert.True(await reroutes.ClearAsync("OUTBOUND-LEADS-TECH", 0));
        Assert.Empty(await reroutes.CurrentAsync());
        await NormalRoutingAsync(host.Client());
    }

    [Fact]
    public async Task Should_follow_a_numbered_route_change_from_the_broker()
    {
        var client = host.Client();
        await host.Ledger.Publish(new TableRouteChanged("outbound-leads-tech", "outbound-leads-tech-no-apollo", 0, "apollo degraded", DateTimeOffset.UtcNow, Version: 7));
        var rerouted = await Eventually.Value(() => DestinationsAsync(client), destinations => destinations.All(table => table == "outbound-leads-tech-no-apollo"), TimeSpan.FromSeconds(20), "version 7 applied");

        Assert.Equal(5, rerouted.Count);
        Assert.Equal(7, (long)await host.Redis.Database.HashGetAsync(host.Redis.Prefix + "submitter:route-versions", "outbound-leads-tech"));

        await host.Ledger.Publish(new TableRouteChanged("outbound-leads-tech", null, 0, "apollo recovered", DateTimeOffset.UtcNow, Version: 8));
        await NormalRoutingAsync(client);
    }

    // The specs after these share the host, whose reroutes are cached for two seconds: leave it routing normally.
    private static Task<List<string>> NormalRoutingAsync(HttpClient client) =>
        Eventually.Value(() => DestinationsAsync(client), destinations => destinations.All(table => table == "outbound-leads-tech"), TimeSpan.FromSeconds(20), "normal routing");

    private static async Task<List<string>> DestinationsAsync(HttpClient client)
    {
        var (status, body) = await Leads.PostJsonAsync(client, new { rows = Leads.Rows(5, industry: "Software"), dryRun = true });
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty("routes").EnumerateArray().Select(route => route.GetProperty("destination").GetString()!).ToList();
    }
}

[Collection(SubmitterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class PythonPublisherSpecs(SubmitterHost host) : IAsyncLifetime
{
    private const string Publisher =
        """
        import json, os, uuid
        import pika

        credentials = pika.PlainCredentials(os.environ["RABBIT_USER"], os.environ["RABBIT_PASSWORD"])
        parameters = pika.ConnectionParameters(os.environ["RABBIT_HOST"], int(os.environ["RABBIT_PORT"]), os.environ["RABBIT_VHOST"], credentials)
        connection = pika.BlockingConnection(parameters)
        channel = connection.channel()
        channel.confirm_delivery()
        body = {
            "rows": json.loads(os.environ["ROWS"]),
            "table": "auto",
            "priority": "high",
            "idempotencyKey": os.environ["KEY"],
            "source": "python-crm",
        }
        channel.basic_publish(
            exchange="submit-job",
            routing_key="",
            body=json.dumps(body),
            properties=pika.BasicProperties(content_type="application/json", delivery_mode=2, message_id=str(uuid.uuid4())),
            mandatory=True,
        )
        connection.close()
        print("published")
        """;

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Should_take_a_plain_json_job_published_by_python_pika()
    {
        host.Client();
        var rows = Leads.Rows(70, industry: "Banking");
        var script = Path.Combine(Path.GetTempPath(), $"claybus-publish-{Guid.NewGuid():N}.py");
        await File.WriteAllTextAsync(script, Publisher);
        try
        {
            var info = new System.Diagnostics.ProcessStartInfo("/usr/bin/python3", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
            info.Environment["RABBIT_HOST"] = TestInfrastructure.RabbitHost;
            info.Environment["RABBIT_PORT"] = TestInfrastructure.RabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture);
            info.Environment["RABBIT_VHOST"] = host.Rabbit.Name;
            info.Environment["RABBIT_USER"] = TestInfrastructure.RabbitUser;
            info.Environment["RABBIT_PASSWORD"] = TestInfrastructure.RabbitPassword;
            info.Environment["ROWS"] = JsonSerializer.Serialize(rows);
            info.Environment["KEY"] = "python-" + Guid.NewGuid();
            using var python = System.Diagnostics.Process.Start(info)!;
            var output = await python.StandardOutput.ReadToEndAsync() + await python.StandardError.ReadToEndAsync();
            await python.WaitForExitAsync();
            Assert.True(python.ExitCode == 0, output);
        }
        finally
        {
            File.Delete(script);
        }

        await Eventually.Until(async () => await host.Broker.CountAsync(BrokerProbe.JobSubmittedQueue) == 1, TimeSpan.FromSeconds(30), "JobSubmitted for the python job");
        var batches = await host.Broker.DrainAsync(BrokerProbe.HighPriorityQueue);
        Assert.Equal(70, batches.Sum(batch => batch.Message.GetProperty("rows").GetArrayLength()));
        Assert.All(batches, batch => Assert.Equal(9, batch.Priority));
        Assert.All(batches, batch => Assert.Equal("outbound-leads-finance", batch.Message.GetProperty("tableKey").GetString()));
        var submitted = Assert.Single(await host.Broker.DrainAsync(BrokerProbe.JobSubmittedQueue));
        Assert.Equal("python-crm", submitted.Message.GetProperty("submittedBy").GetString());
    }
}
