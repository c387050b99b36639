using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Tracking;
using ClayBus.Enricher.ClayClient;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ClayBus.Enricher.Tests.Integration;

/// <summary>A send Clay may have stored is never sent again at once: a callback proves it, only a deadline without one disproves it.</summary>
[Trait("Category", "Integration")]
public sealed class AmbiguousSendSpecs(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Should_take_one_callback_as_proof_that_Clay_stored_the_request_and_never_send_it_again()
    {
        var table = Table();
        await fixture.Sim.CreateTableAsync(table);
        var hook = await fixture.Sim.CreateWebhookAsync(table);
        var webhook = new StoreThenFailWebhook(hook.Url, failures: 1, stores: true);
        var settings = EnricherHost.Webhooks(table, [hook]);
        // Long: only the callback may end the wait here.
        settings["Delivery:AmbiguousSendDeadlineSeconds"] = "600";
        await using var host = EnricherHost.Start(fixture, settings, services => services.AddHttpClient<ClayWebhookClient>().AddHttpMessageHandler(webhook.CreateHandler));
        var batch = EnricherHost.Batch(table, 10);

        await fixture.Bus.PublishAsync(batch);
        await Eventually.Until(() => webhook.Failed == 1, Deadline, "the request stored, then failed");
        await Eventually.Until(async () => await fixture.Sim.TableCounterAsync(table, "recordsAccepted") == 10, Deadline, "Clay holds the rows");
        var row = batch.Rows[3].RowId;
        await fixture.Bus.Bus.Publish(new RowEnriched(batch.JobId, row, table, "sim", [], 1, 2, DateTimeOffset.UtcNow));

        await Eventually.Until(() => fixture.Bus.Seen<BatchDelivered>().Any(d => d.BatchId == batch.BatchId), Deadline, "the batch delivered");
        var delivered = fixture.Bus.Seen<BatchDelivered>().Single(d => d.BatchId == batch.BatchId);
        Assert.Equal(10, delivered.SkippedRowIds.Count);
        Assert.Empty(delivered.SentRowIds);
        Assert.Single(webhook.Requests);
        Assert.Equal(10, await fixture.Sim.TableCounterAsync(table, "recordsAccepted"));
        Assert.Equal(0, await fixture.Sim.TableCounterAsync(table, "duplicateRowIds"));
    }

    [Fact]
    public async Task Should_send_the_rows_again_only_once_the_deadline_passed_without_a_callback()
    {
        var table = Table();
        await fixture.Sim.CreateTableAsync(table);
        var hook = await fixture.Sim.CreateWebhookAsync(table);
        var webhook = new StoreThenFailWebhook(hook.Url, failures: 1, stores: false);
        var settings = EnricherHost.Webhooks(table, [hook]);
        settings["Delivery:AmbiguousSendDeadlineSeconds"] = "3";
        await using var host = EnricherHost.Start(fixture, settings, services => services.AddHttpClient<ClayWebhookClient>().AddHttpMessageHandler(webhook.CreateHandler));
        var batch = EnricherHost.Batch(table, 10);

        await fixture.Bus.PublishAsync(batch);

        await Eventually.Until(() => fixture.Bus.Seen<BatchDelivered>().Any(d => d.BatchId == batch.BatchId), Deadline, "the batch delivered after the deadline");
        var delivered = fixture.Bus.Seen<BatchDelivered>().Single(d => d.BatchId == batch.BatchId);
        Assert.Equal(10, delivered.SentRowIds.Count);
        Assert.Equal(2, webhook.Requests.Count);
        Assert.True(webhook.Requests[1] - webhook.Requests[0] >= TimeSpan.FromSeconds(2.9), $"sent again after {webhook.Requests[1] - webhook.Requests[0]}, before the deadline");
        Assert.Equal(10, await fixture.Sim.TableCounterAsync(table, "recordsAccepted"));
        Assert.Equal(0, await fixture.Sim.TableCounterAsync(table, "duplicateRowIds"));
    }

    private static string Table() => $"t-{Guid.NewGuid():N}"[..14];
}
