using System.Net;
using System.Text.Json;
using ClayBus.Testing;

namespace ClayBus.Submitter.Tests.Integration;

/// <summary>
/// Jobs larger than the in-memory admission buffer (here 2 batches) are still admitted whole or not at all under
/// <c>reject</c> and <c>hold</c>: the overflow waits in Redis, not on the broker.
/// </summary>
[Collection(SubmitterCollection.Name)]
[Trait("Category", "Integration")]
public sealed class LargeJobAdmissionSpecs(SubmitterHost host) : IAsyncLifetime
{
    private const int Buffered = 2;

    public Task InitializeAsync() => host.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Should_reject_a_job_past_the_buffer_publishing_nothing_and_freeing_every_row()
    {
        var rows = Leads.Rows(250);
        host.Remaining = 1_000;

        // 5 batches × 50 rows × 6 credits = 1,500 > 1,000; the fourth batch is the first that does not fit.
        var (status, body) = await Leads.PostJsonAsync(host.Client("reject", maxBufferedBatches: Buffered), new { rows });

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal("rejected", body.GetProperty("report").GetProperty("admission").GetString());
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
        Assert.Equal(0, await StagedListsAsync());

        host.Remaining = 10_000;
        var (again, report) = await Leads.PostJsonAsync(host.Client("reject", maxBufferedBatches: Buffered), new { rows });
        Assert.Equal(HttpStatusCode.Accepted, again);
        Assert.Equal(250, report.GetProperty("rowsAccepted").GetInt32());
    }

    [Fact]
    public async Task Should_hold_a_job_past_the_buffer_whole_and_in_order()
    {
        host.Remaining = 1_000;

        var (status, body) = await Leads.PostJsonAsync(host.Client("hold", maxBufferedBatches: Buffered), new { rows = Leads.Rows(250) });

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("held", body.GetProperty("admission").GetString());
        Assert.Equal(250, body.GetProperty("rowsHeld").GetInt32());
        Assert.Equal(0u, await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue));
        var held = await host.Redis.Database.ListRangeAsync(host.Redis.Prefix + "submitter:held");
        Assert.Equal(FirstRowNumbers(5), held.Select(value => FirstRowNumber(JsonDocument.Parse((byte[])value!).RootElement)));
        Assert.Equal(0, await StagedListsAsync());
    }

    [Fact]
    public async Task Should_publish_every_batch_of_a_job_past_the_buffer_once_it_fits()
    {
        host.Remaining = 10_000;

        var (status, body) = await Leads.PostJsonAsync(host.Client("reject", maxBufferedBatches: Buffered), new { rows = Leads.Rows(250) });

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal("admitted", body.GetProperty("admission").GetString());
        await Eventually.Until(async () => await host.Broker.CountAsync(BrokerProbe.DeliverBatchQueue) == 5, TimeSpan.FromSeconds(20), "the five batches on the broker");
        var published = await host.Broker.DrainAsync(BrokerProbe.DeliverBatchQueue);
        // Batches await their confirms concurrently, so the broker's order is not the file's.
        Assert.Equal(FirstRowNumbers(5), published.Select(message => FirstRowNumber(message.Message)).Order());
        Assert.Equal(0, await StagedListsAsync());
    }

    // Envelopes carry camelCase JSON, held batches the serializer's default (PascalCase).
    [Fact]
    public async Task Should_let_a_keyless_retry_send_the_rows_of_a_submission_that_failed()
    {
        var rows = Leads.Rows(120);
        await host.Broker.UnbindDeliverBatchAsync();
        HttpStatusCode failed;
        try
        {
            (failed, _) = await Leads.PostJsonAsync(host.Client(), new { rows });
        }
        finally
        {
            await host.Broker.RebindDeliverBatchAsync();
        }

        var (status, body) = await Leads.PostJsonAsync(host.Client(), new { rows });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, failed);
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(120, body.GetProperty("rowsAccepted").GetInt32());
        Assert.Equal(0, body.GetProperty("rowsDeduplicated").GetInt32());
    }

    private static int FirstRowNumber(JsonElement batch) =>
        batch.TryGetProperty("rows", out var rows) ? rows[0].GetProperty("rowNumber").GetInt32() : batch.GetProperty("Rows")[0].GetProperty("RowNumber").GetInt32();

    private static IEnumerable<int> FirstRowNumbers(int batches) => Enumerable.Range(0, batches).Select(batch => (batch * 50) + 1);

    private async Task<int> StagedListsAsync()
    {
        var server = host.Redis.Connection.GetServers()[0];
        var count = 0;
        await foreach (var _ in server.KeysAsync(pattern: host.Redis.Prefix + "submitter:staged:*"))
        {
            count++;
        }

        return count;
    }
}
