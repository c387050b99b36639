using ClayBus.Contracts.Delivery;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Testing;

namespace ClayBus.Enricher.Tests.Integration;

[Trait("Category", "Integration")]
public sealed class FaultSpecs(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    private static readonly int StormSeconds = DeliveryFixture.Full ? 60 : 8;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(StormSeconds + 90);

    [Fact]
    public async Task Should_pause_through_a_5xx_storm_and_deliver_everything_after_it()
    {
        var table = Table();
        await fixture.Sim.CreateTableAsync(table);
        var hook = await fixture.Sim.CreateWebhookAsync(table);
        await using var host = EnricherHost.Start(fixture, EnricherHost.Webhooks(table, [hook]));
        var batches = Enumerable.Range(0, DeliveryFixture.Full ? 40 : 8).Select(_ => EnricherHost.Batch(table, 20)).ToList();

        await fixture.Sim.FaultsAsync(new { serverErrorRate = 1.0, forSeconds = StormSeconds });
        foreach (var batch in batches)
        {
            await fixture.Bus.PublishAsync(batch);
        }

        await Eventually.Until(() => batches.All(b => fixture.Bus.Seen<BatchDelivered>().Any(d => d.BatchId == b.BatchId)), Deadline, "every batch delivered after the storm");
        Assert.Contains(fixture.Bus.Seen<DeliveryPaused>(), p => p.Reason == PauseReason.ClayUnavailable);
        Assert.Contains(fixture.Bus.Seen<DeliveryResumed>(), p => p.Reason == PauseReason.ClayUnavailable);
        Assert.True(await fixture.Rabbit.QueueDepthAsync("deliver-batch_error") <= 0, "a batch was dead-lettered by the storm");
        Assert.Equal(batches.Count * 20, await fixture.Sim.TableCounterAsync(table, "recordsAccepted"));
        Assert.Equal(0, await fixture.Sim.TableCounterAsync(table, "duplicateRowIds"));
    }

    [Fact]
    public async Task Should_wait_out_a_429_storm_and_deliver_everything_once()
    {
        var table = Table();
        await fixture.Sim.CreateTableAsync(table);
        var hook = await fixture.Sim.CreateWebhookAsync(table);
        await using var host = EnricherHost.Start(fixture, EnricherHost.Webhooks(table, [hook]));
        var batches = Enumerable.Range(0, DeliveryFixture.Full ? 40 : 8).Select(_ => EnricherHost.Batch(table, 20)).ToList();

        await fixture.Sim.FaultsAsync(new { force429 = true, forSeconds = StormSeconds / 2 });
        foreach (var batch in batches)
        {
            await fixture.Bus.PublishAsync(batch);
        }

        await Eventually.Until(() => batches.All(b => fixture.Bus.Seen<BatchDelivered>().Any(d => d.BatchId == b.BatchId)), Deadline, "every batch delivered after the 429 storm");
        Assert.True(await fixture.Sim.TableCounterAsync(table, "responses429") > 0, "the storm never reached the Enricher");
        Assert.True(await fixture.Rabbit.QueueDepthAsync("deliver-batch_error") <= 0, "a batch was dead-lettered by the storm");
        Assert.Equal(batches.Count * 20, await fixture.Sim.TableCounterAsync(table, "recordsAccepted"));
        Assert.Equal(0, await fixture.Sim.TableCounterAsync(table, "duplicateRowIds"));
    }

    private static string Table() => $"t-{Guid.NewGuid():N}"[..14];
}
