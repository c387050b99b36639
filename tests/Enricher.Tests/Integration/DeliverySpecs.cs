using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Tracking;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Testing;

namespace ClayBus.Enricher.Tests.Integration;

/// <summary>The Enricher in this process, the real RabbitMQ and Redis, and ClaySim as its own process.</summary>
[Trait("Category", "Integration")]
public sealed class DeliverySpecs(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Should_deliver_every_row_once_and_skip_them_when_the_batch_comes_again()
    {
        var table = Table();
        await fixture.Sim.CreateTableAsync(table);
        var hook = await fixture.Sim.CreateWebhookAsync(table);
        await using var host = EnricherHost.Start(fixture, EnricherHost.Webhooks(table, [hook]));
        var batches = Enumerable.Range(0, 3).Select(_ => EnricherHost.Batch(table, 30)).ToList();

        foreach (var batch in batches)
        {
            await fixture.Bus.PublishAsync(batch);
        }

        await Eventually.Until(() => Delivered(batches[0].BatchId) + Delivered(batches[1].BatchId) + Delivered(batches[2].BatchId) == 3, Deadline, "three batches delivered");
        await fixture.Bus.PublishAsync(batches[1]);
        await Eventually.Until(() => Delivered(batches[1].BatchId) == 2, Deadline, "the redelivered batch");

        var again = fixture.Bus.Seen<BatchDelivered>().Where(d => d.BatchId == batches[1].BatchId).OrderBy(d => d.DeliveredAt).Last();
        Assert.Empty(again.SentRowIds);
        Assert.Equal(30, again.SkippedRowIds.Count);
        Assert.Equal(90, await fixture.Sim.TableCounterAsync(table, "recordsAccepted"));
        Assert.Equal(0, await fixture.Sim.TableCounterAsync(table, "duplicateRowIds"));
        var first = fixture.Bus.Seen<BatchDelivered>().First(d => d.BatchId == batches[0].BatchId);
        Assert.Equal(180m, first.CreditsReserved);
        Assert.EndsWith(hook.Url[^6..], first.Webhook, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_rotate_webhooks_of_100_with_counts_exact_at_Clay()
    {
        var table = Table();
        await fixture.Sim.CreateTableAsync(table);
        var hooks = new[] { await fixture.Sim.CreateWebhookAsync(table, 100), await fixture.Sim.CreateWebhookAsync(table, 100), await fixture.Sim.CreateWebhookAsync(table, 100) };
        var settings = EnricherHost.Webhooks(table, hooks);
        settings["Webhooks:WarnAt"] = "80";
        settings["Webhooks:RotateAt"] = "90";
        settings["Webhooks:HardCap"] = "100";
        await using var host = EnricherHost.Start(fixture, settings);
        var batches = Enumerable.Range(0, 5).Select(_ => EnricherHost.Batch(table, 50)).ToList();

        foreach (var batch in batches)
        {
            await fixture.Bus.PublishAsync(batch);
        }

        await Eventually.Until(() => batches.All(b => Delivered(b.BatchId) == 1), Deadline, "250 rows delivered");
        var accepted = new List<double>();
        foreach (var hook in hooks)
        {
            accepted.Add(await fixture.Sim.WebhookCounterAsync(hook.Id, "recordsAccepted"));
        }

        Assert.Equal(250, accepted.Sum());
        Assert.All(accepted, count => Assert.InRange(count, 0, 100));
        Assert.Equal(0, await fixture.Sim.TableCounterAsync(table, "droppedOverCap"));
        Assert.Equal(2, fixture.Bus.Seen<WebhookRotated>().Count(r => r.TableKey == table));
        Assert.Equal(2, fixture.Bus.Seen<WebhookCapacityLow>().Count(r => r.TableKey == table));
        var counted = new List<double>();
        foreach (var hook in hooks)
        {
            var key = fixture.Redis.Prefix + $"webhooks:{table}:{new ClayBus.Enricher.Webhooks.WebhookTarget(table, new Uri(hook.Url), null).Id}:count";
            counted.Add((double)await fixture.Redis.Database.StringGetAsync(key));
        }

        Assert.Equal(accepted, counted);
    }

    [Fact]
    public async Task Should_skip_the_batches_of_a_cancelled_job()
    {
        var table = Table();
        await fixture.Sim.CreateTableAsync(table);
        var hook = await fixture.Sim.CreateWebhookAsync(table);
        await using var host = EnricherHost.Start(fixture, EnricherHost.Webhooks(table, [hook]));
        var cancelled = EnricherHost.Batch(table, 5);
        var other = EnricherHost.Batch(table, 5);

        await fixture.Bus.Bus.Publish(new JobCancelled(cancelled.JobId, "test", DateTimeOffset.UtcNow));
        await Eventually.Until(
            async () => await fixture.Redis.Database.KeyExistsAsync(fixture.Redis.Prefix + $"delivery:cancelled:{cancelled.JobId:N}"),
            Deadline,
            "the cancellation to be remembered");
        await fixture.Bus.PublishAsync(cancelled);
        await fixture.Bus.PublishAsync(other);
        await Eventually.Until(() => Delivered(other.BatchId) == 1, Deadline, "the other job's batch");
        await Eventually.Until(async () => await fixture.Rabbit.QueueDepthAsync("deliver-batch") == 0, Deadline, "the queue to drain");

        Assert.Equal(5, await fixture.Sim.TableCounterAsync(table, "recordsAccepted"));
        Assert.Equal(0, Delivered(cancelled.BatchId));
    }

    private int Delivered(Guid batchId) => fixture.Bus.Seen<BatchDelivered>().Count(d => d.BatchId == batchId);

    private static string Table() => $"t-{Guid.NewGuid():N}"[..14];
}
