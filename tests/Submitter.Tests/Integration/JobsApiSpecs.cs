using System.Net;
using System.Text;
using ClayBus.Testing.Security;

namespace ClayBus.Submitter.Tests.Integration;

[Collection(SubmitterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class JobsApiSpecs(SubmitterHost host) : IAsyncLifetime
{
    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Should_answer_202_only_once_every_batch_is_in_the_priority_queue()
    {
        var client = host.Client();

        var (status, body) = await Leads.PostJsonAsync(client, new { rows = Leads.Rows(120, source: "web-form"), priority = "high" });

        // Counted the moment 202 arrives, with no waiting: the batches were confirmed before the answer. High batches
        // take their own path, none of them the backlog's queue.
        var queued = await host.Broker.CountAsync(BrokerProbe.HighPriorityQueue);
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(3, body.GetProperty("batchesPublished").GetInt32());
        Assert.Equal(3u, queued);
        Assert.Equal("admitted", body.GetProperty("admission").GetString());
        var batches = await host.Broker.DrainAsync(BrokerProbe.HighPriorityQueue);
        Assert.All(batches, batch => Assert.Equal(9, batch.Priority));
        Assert.Equal(120, batches.Sum(batch => batch.Message.GetProperty("rows").GetArrayLength()));
        Assert.All(batches, batch => Assert.Equal("inbound-leads", batch.Message.GetProperty("tableKey").GetString()));
        // MassTransit's envelope writes decimals as strings.
        Assert.Equal(720m, batches.Sum(batch => decimal.Parse(batch.Message.GetProperty("estimatedCredits").GetString()!, System.Globalization.CultureInfo.InvariantCulture)));
        var submitted = Assert.Single(await host.Broker.DrainAsync(BrokerProbe.JobSubmittedQueue));
        Assert.Equal(body.GetProperty("jobId").GetGuid(), submitted.Message.GetProperty("jobId").GetGuid());
    }

    [Fact]
    public async Task Should_skip_duplicates_within_the_job_and_of_a_recent_job()
    {
        var client = host.Client();
        var rows = Leads.Rows(30, industry: "SaaS");
        var withRepeats = rows.Concat(rows.Take(5)).ToList();

        var (firstStatus, first) = await Leads.PostJsonAsync(client, new { rows = withRepeats });
        var (secondStatus, second) = await Leads.PostJsonAsync(client, new { rows = rows.Take(10).Concat(Leads.Rows(4, industry: "SaaS")).ToList() });

        Assert.Equal(HttpStatusCode.Accepted, firstStatus);
        Assert.Equal(30, first.GetProperty("rowsAccepted").GetInt32());
        Assert.Equal(5, first.GetProperty("rowsDeduplicated").GetInt32());
        Assert.Equal(HttpStatusCode.Accepted, secondStatus);
        Assert.Equal(4, second.GetProperty("rowsAccepted").GetInt32());
        Assert.Equal(10, second.GetProperty("rowsDeduplicated").GetInt32());
        var sent = (await host.Broker.DrainAsync(BrokerProbe.DeliverBatchQueue)).SelectMany(batch => batch.Message.GetProperty("rows").EnumerateArray()).Select(row => row.GetProperty("rowId").GetString()).ToList();
        Assert.Equal(34, sent.Count);
        Assert.Equal(34, sent.Distinct().Count());
    }

    [Fact]
    public async Task Should_return_the_original_job_for_a_repeated_idempotency_key()
    {
        var client = host.Client();
        var key = "crm-export-" + Guid.NewGuid();
        var rows = Leads.Rows(60);

        var (firstStatus, first) = await Leads.PostJsonAsync(client, new { rows, idempotencyKey = key });
        var (againStatus, again) = await Leads.PostJsonAsync(client, new { rows, idempotencyKey = key });

        Assert.Equal(HttpStatusCode.Accepted, firstStatus);
        Assert.Equal(HttpStatusCode.OK, againStatus);
        Assert.Equal(first.GetProperty("jobId").GetGuid(), again.GetProperty("jobId").GetGuid());
        Assert.True(again.GetProperty("duplicate").GetBoolean());
        Assert.Equal(2u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
    }

    [Fact]
    public async Task Should_refuse_a_used_idempotency_key_with_another_body_naming_the_key()
    {
        var client = host.Client();
        var key = "crm-export-" + Guid.NewGuid();
        var (firstStatus, _) = await Leads.PostJsonAsync(client, new { rows = Leads.Rows(60), idempotencyKey = key });

        var (againStatus, again) = await Leads.PostJsonAsync(client, new { rows = Leads.Rows(60), idempotencyKey = key });

        Assert.Equal(HttpStatusCode.Accepted, firstStatus);
        Assert.Equal(HttpStatusCode.Conflict, againStatus);
        Assert.Contains(key, again.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(2u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
    }

    [Fact]
    public async Task Should_refuse_a_used_idempotency_key_with_another_csv_naming_the_key_and_answer_the_same_csv_with_its_report()
    {
        var client = host.Client();
        var key = "csv-export-" + Guid.NewGuid();
        var csv = Leads.Csv(60);
        var query = "?idempotencyKey=" + Uri.EscapeDataString(key);
        var (firstStatus, first) = await Leads.PostCsvAsync(client, csv, query);

        var (sameStatus, same) = await Leads.PostCsvAsync(client, csv, query);
        var (otherStatus, other) = await Leads.PostCsvAsync(client, Leads.Csv(60), query);

        Assert.Equal(HttpStatusCode.Accepted, firstStatus);
        Assert.Equal(HttpStatusCode.OK, sameStatus);
        Assert.True(same.GetProperty("duplicate").GetBoolean());
        Assert.Equal(first.GetProperty("jobId").GetGuid(), same.GetProperty("jobId").GetGuid());
        Assert.Equal(HttpStatusCode.Conflict, otherStatus);
        Assert.Equal(key, other.GetProperty("idempotencyKey").GetString());
        Assert.Contains(key, other.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(2u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
    }

    [Fact]
    public async Task Should_keep_idempotency_keys_apart_per_api_key()
    {
        var key = "shared-name-" + Guid.NewGuid();
        var rows = Leads.Rows(60);
        var (ownerStatus, owner) = await Leads.PostJsonAsync(host.Client(), new { rows, idempotencyKey = key });

        // Another caller picks the same key: its own job, never the owner's report; and it does not squat the owner's key.
        var (otherStatus, other) = await Leads.PostJsonAsync(host.Client(key: TestKeys.Submitter), new { rows = Leads.Rows(60), idempotencyKey = key });
        var (ownerAgainStatus, ownerAgain) = await Leads.PostJsonAsync(host.Client(), new { rows, idempotencyKey = key });

        Assert.Equal(HttpStatusCode.Accepted, ownerStatus);
        Assert.Equal(HttpStatusCode.Accepted, otherStatus);
        Assert.NotEqual(owner.GetProperty("jobId").GetGuid(), other.GetProperty("jobId").GetGuid());
        Assert.False(other.GetProperty("duplicate").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, ownerAgainStatus);
        Assert.Equal(owner.GetProperty("jobId").GetGuid(), ownerAgain.GetProperty("jobId").GetGuid());
        Assert.Equal(4u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
    }

    [Fact]
    public async Task Should_show_routes_and_cost_in_a_dry_run_and_publish_nothing()
    {
        var client = host.Client();
        var rows = Leads.Rows(2, industry: "Software").Concat(Leads.Rows(2, industry: "Banking")).Concat(Leads.Rows(2, source: "event"))
            .Concat(Leads.Rows(1, source: "web-form")).Concat(Leads.Rows(1, industry: "Retail")).ToList();
        rows.Add(new Dictionary<string, object?> { ["first_name"] = "NoIdentity" });

        var (status, body) = await Leads.PostJsonAsync(client, new { rows, dryRun = true });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("dryRun").GetBoolean());
        var routes = body.GetProperty("routes").EnumerateArray().ToDictionary(route => route.GetProperty("row").GetInt32(), route => route.GetProperty("table").GetString());
        Assert.Equal("outbound-leads-tech", routes[1]);
        Assert.Equal("outbound-leads-finance", routes[3]);
        Assert.Equal("event-attendees", routes[5]);
        Assert.Equal("inbound-leads", routes[7]);
        Assert.Equal("inbound-leads", routes[8]);
        Assert.Equal(2 * 6m + 2 * 8m + 2 * 4m + 2 * 6m, body.GetProperty("estimatedCredits").GetDecimal());
        var rejected = Assert.Single(body.GetProperty("rejected").EnumerateArray());
        Assert.Equal(9, rejected.GetProperty("row").GetInt32());
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.JobSubmittedQueue));
    }

    [Fact]
    public async Task Should_stream_a_csv_of_ten_thousand_rows_where_three_bad_rows_do_not_sink_the_job()
    {
        var client = host.Client();
        var csv = Leads.Csv(10_000, index => index switch
        {
            17 => "no-at-sign,Ana,Li,Acme,Software,web-form\n",
            4_000 => "\"unclosed@quote.com,Ana\"x,Li,Acme,Software,web-form\n",
            9_500 => "ana@mailinator.com,Ana,Li,Acme,Software,web-form\n",
            _ => null,
        });

        var (status, body) = await Leads.PostCsvAsync(client, csv, "?priority=low&table=auto");

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(10_000, body.GetProperty("rowsRead").GetInt32());
        Assert.Equal(9_997, body.GetProperty("rowsAccepted").GetInt32());
        Assert.Equal(2, body.GetProperty("rowsInvalid").GetInt32());
        Assert.Equal(1, body.GetProperty("rowsRejected").GetInt32());
        Assert.Equal([17, 4_000, 9_500], body.GetProperty("rejected").EnumerateArray().Select(row => row.GetProperty("row").GetInt32()));
        Assert.Equal((uint)body.GetProperty("batchesPublished").GetInt32(), await host.Broker.CountAsync(BrokerProbe.LowPriorityQueue));
        Assert.Equal(200, body.GetProperty("batchesPublished").GetInt32());
    }

    [Theory]
    [InlineData("/jobs", "application/json", "{\"rows\": [", 400, "$.rows")]
    [InlineData("/jobs", "application/json", "{\"rows\": \"everyone\"}", 400, "$.rows")]
    [InlineData("/jobs", "application/json", "{\"rows\": [{\"email\":\"a@b.com\"}], \"dryRun\": \"yes\"}", 400, "$.dryRun")]
    [InlineData("/jobs", "application/json", "{\"rows\": []}", 422, "rows")]
    [InlineData("/jobs", "application/json", "{\"rows\": [{\"email\":\"a@b.com\"}], \"table\": \"nope\"}", 422, "table")]
    [InlineData("/jobs", "application/json", "{\"rows\": [{\"email\":\"a@b.com\"}], \"priority\": \"urgent\"}", 422, "priority")]
    [InlineData("/jobs", "text/plain", "email\na@b.com", 415, "content type")]
    [InlineData("/jobs/csv", "application/json", "{}", 415, "content type")]
    [InlineData("/jobs/csv", "text/csv", "", 422, "file")]
    [InlineData("/jobs/csv", "text/csv", "name,company\nAna,Acme\n", 422, "header")]
    [InlineData("/jobs/csv?dryRun=maybe", "text/csv", "email\na@b.com\n", 422, "dryRun")]
    public async Task Should_answer_a_malformed_request_with_a_problem_naming_the_field(string path, string contentType, string payload, int status, string field)
    {
        using var content = new StringContent(payload, Encoding.UTF8, contentType);
        using var response = await host.Client().PostAsync(new Uri(path, UriKind.Relative), content);
        var body = await Leads.Read(response);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith(field, body.GetProperty("field").GetString(), StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(body.GetProperty("detail").GetString()));
    }

    [Fact]
    public async Task Should_answer_413_for_a_ten_megabyte_field()
    {
        var csv = "email,notes\na@acme.com," + new string('x', 10 * 1024 * 1024) + "\n";

        var (status, body) = await Leads.PostCsvAsync(host.Client(), csv);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("file", body.GetProperty("field").GetString());
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
    }

    [Fact]
    public async Task Should_answer_400_for_a_body_that_is_not_utf8_and_publish_nothing()
    {
        // A passed-through field with a lone 0xED byte: found by the end-to-end fuzz, where it failed the publish (503).
        var json = Encoding.UTF8.GetBytes("{\"rows\":[{\"email\":\"ana@acme.com\",\"note\":\"?\"}]}");
        json[Array.IndexOf(json, (byte)'?')] = 0xED;
        using var content = new ByteArrayContent(json);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");

        using var response = await host.Client().PostAsync(new Uri("/jobs", UriKind.Relative), content);
        var body = await Leads.Read(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("UTF-8", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
    }
}
