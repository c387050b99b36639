using System.Net;
using System.Text;
using System.Text.Json;
using ClayBus.Testing;

namespace ClayBus.Submitter.Tests.Integration;

/// <summary>
/// The row and size limits on each way in, against the real broker: a CSV over <c>Ingest:MaxCsvRows</c> stops there
/// with its first rows published, a JSON job over <c>Ingest:MaxJsonRows</c> is refused whole, and a raw
/// <c>SubmitJob</c> over either limit goes to <c>submit-job_error</c> with the reason while the next message is taken.
/// </summary>
[Collection(SubmitterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class InputLimitSpecs(SubmitterHost host) : IAsyncLifetime
{
    private const string ErrorQueue = "submit-job_error";

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Should_stop_a_csv_at_the_row_limit_with_413_having_published_the_rows_before_it()
    {
        var csv = Leads.Csv(SubmitterHost.MaxCsvRows + 50);

        var (status, body) = await Leads.PostCsvAsync(host.Client(), csv);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("file", body.GetProperty("field").GetString());
        var detail = body.GetProperty("detail").GetString();
        Assert.Contains("Ingest:MaxCsvRows", detail, StringComparison.Ordinal);
        Assert.Contains("split it into files of at most 10,000 rows", detail, StringComparison.Ordinal);
        var report = body.GetProperty("report");
        Assert.Equal(SubmitterHost.MaxCsvRows, report.GetProperty("rowsRead").GetInt32());
        Assert.Equal(SubmitterHost.MaxCsvRows, report.GetProperty("rowsAccepted").GetInt32());
        Assert.Equal((uint)report.GetProperty("batchesPublished").GetInt32(), await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
        Assert.Equal(200, report.GetProperty("batchesPublished").GetInt32());
    }

    [Fact]
    public async Task Should_refuse_a_json_job_over_the_row_limit_whole_with_413()
    {
        var (status, body) = await Leads.PostJsonAsync(host.Client(), new { rows = Leads.Rows(SubmitterHost.MaxJsonRows + 1) });

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("rows", body.GetProperty("field").GetString());
        Assert.Contains("Ingest:MaxJsonRows", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
    }

    [Fact]
    public async Task Should_refuse_a_json_body_that_breaks_after_its_first_rows_with_400_and_publish_nothing()
    {
        // The rows come before the break and would fill several batches: none may leave.
        var rows = JsonSerializer.Serialize(Leads.Rows(SubmitterHost.MaxJsonRows - 10));
        var json = "{\"rows\": " + rows[..^1] + ", {\"email\": \"late@acme.com\",]}";
        using var content = new StringContent(json, Encoding.UTF8, "application/json");

        using var response = await host.Client().PostAsync(new Uri("/jobs", UriKind.Relative), content);
        var body = await Leads.Read(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("$.rows[", body.GetProperty("field").GetString(), StringComparison.Ordinal);
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
    }

    [Fact]
    public async Task Should_send_a_raw_submit_job_over_the_row_limit_to_the_error_queue_and_take_the_next()
    {
        var reason = await RefusedAsync(new { rows = Leads.Rows(SubmitterHost.MaxJsonRows + 1), source = "python-crm" });

        Assert.Contains("Ingest:MaxJsonRows", reason, StringComparison.Ordinal);
        await AssertStillTakesJobsAsync();
    }

    [Fact]
    public async Task Should_send_a_raw_submit_job_over_the_size_limit_to_the_error_queue_and_take_the_next()
    {
        var rows = Leads.Rows(4);
        rows.ForEach(row => row["notes"] = new string('x', 80 * 1024));

        var reason = await RefusedAsync(new { rows, source = "python-crm" });

        Assert.Contains("Ingest:MaxJsonBytes", reason, StringComparison.Ordinal);
        await AssertStillTakesJobsAsync();
    }

    [Fact]
    public async Task Should_send_a_raw_submit_job_reusing_its_sources_key_with_another_body_to_the_error_queue()
    {
        host.Client();
        var key = "erp-export-" + Guid.NewGuid().ToString("N");
        await host.Broker.PublishRawAsync("submit-job", JsonSerializer.SerializeToUtf8Bytes(new { rows = Leads.Rows(5), source = "python-crm", idempotencyKey = key }), Guid.NewGuid().ToString());
        await Eventually.Until(async () => await host.Broker.CountAsync(BrokerProbe.JobSubmittedQueue) == 1, TimeSpan.FromSeconds(30), "JobSubmitted for the first message");

        var reused = Guid.NewGuid().ToString();
        await host.Broker.PublishRawAsync("submit-job", JsonSerializer.SerializeToUtf8Bytes(new { rows = Leads.Rows(5), source = "python-crm", idempotencyKey = key }), reused);
        var dead = await Eventually.Value(() => host.Broker.TakeAsync(ErrorQueue), taken => taken is not null, TimeSpan.FromSeconds(30), "the reused key in submit-job_error");

        // Another source's identical key is its own job.
        await host.Broker.PublishRawAsync("submit-job", JsonSerializer.SerializeToUtf8Bytes(new { rows = Leads.Rows(5), source = "python-erp", idempotencyKey = key }), Guid.NewGuid().ToString());
        await Eventually.Until(async () => await host.Broker.CountAsync(BrokerProbe.JobSubmittedQueue) == 2, TimeSpan.FromSeconds(30), "JobSubmitted for the other source");

        var (messageId, headers) = dead!.Value;
        Assert.Equal(reused, messageId);
        Assert.Equal(typeof(Submitter.Ingest.InvalidJobException).FullName, Text(headers, "MT-Fault-ExceptionType"));
        Assert.Contains($"idempotency key '{key}' was already used for a different request", Text(headers, "MT-Fault-Message"), StringComparison.Ordinal);
    }

    /// <summary>Publishes a raw <c>SubmitJob</c>, waits for it in <c>submit-job_error</c>, and returns the fault's reason.</summary>
    private async Task<string> RefusedAsync(object message)
    {
        host.Client();
        var id = Guid.NewGuid().ToString();
        await host.Broker.PublishRawAsync("submit-job", JsonSerializer.SerializeToUtf8Bytes(message), id);

        var dead = await Eventually.Value(() => host.Broker.TakeAsync(ErrorQueue), taken => taken is not null, TimeSpan.FromSeconds(30), "the message in submit-job_error");
        var (messageId, headers) = dead!.Value;
        Assert.Equal(id, messageId);
        Assert.Equal(typeof(Submitter.Ingest.InvalidJobException).FullName, Text(headers, "MT-Fault-ExceptionType"));
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
        return Text(headers, "MT-Fault-Message");
    }

    private async Task AssertStillTakesJobsAsync()
    {
        await host.Broker.PublishRawAsync("submit-job", JsonSerializer.SerializeToUtf8Bytes(new { rows = Leads.Rows(5), source = "python-crm" }), Guid.NewGuid().ToString());

        await Eventually.Until(async () => await host.Broker.CountAsync(BrokerProbe.JobSubmittedQueue) == 1, TimeSpan.FromSeconds(30), "JobSubmitted for the next message");
    }

    private static string Text(IDictionary<string, object?> headers, string name) =>
        headers.TryGetValue(name, out var value) && value is byte[] bytes ? Encoding.UTF8.GetString(bytes) : $"(no {name} header)";
}
