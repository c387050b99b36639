using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Testing;
using MassTransit;

namespace ClayBus.Enricher.Tests.Integration;

/// <summary>
/// Tables that must wait (full, misconfigured by a reload) park their batches in the scheduler: nothing is claimed,
/// reserved or dead-lettered, the other tables flow, and the parked batches go once the table can take them.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ParkingSpecs(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>, IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private SchedulerStandIn _scheduler = null!;

    public async Task InitializeAsync() => _scheduler = await SchedulerStandIn.StartAsync(fixture.Rabbit.Name);

    public async Task DisposeAsync() => await _scheduler.DisposeAsync();

    [Fact]
    public async Task Should_park_a_full_tables_batches_without_claims_or_credits_and_keep_delivering_the_other_table()
    {
        var (full, other) = (Table(), Table());
        var settings = await TwoTablesAsync(full, other);
        settings[$"Tables:{full}:MaxRows"] = "40";
        // One slot: a batch held in it would stop the other table outright.
        settings["Delivery:ConcurrentMessageLimit"] = "1";
        settings["Parking:RecheckSeconds"] = "600";
        await using var host = EnricherHost.Start(fixture, settings);

        var first = EnricherHost.Batch(full, 40);
        await fixture.Bus.PublishAsync(first);
        await Eventually.Until(() => Delivered(first.BatchId) == 1, Deadline, "the first batch fills the table");
        var waiting = Enumerable.Range(0, 6).Select(_ => EnricherHost.Batch(full, 10, priority: JobPriority.High)).ToList();
        var ids = new Dictionary<Guid, Guid>();
        foreach (var batch in waiting)
        {
            ids[batch.BatchId] = NewId.NextGuid();
            await fixture.Bus.Bus.Publish(batch, send =>
            {
                send.MessageId = ids[batch.BatchId];
                send.SetPriority((byte)batch.Priority);
            });
        }

        var flowing = Enumerable.Range(0, 4).Select(_ => EnricherHost.Batch(other, 10)).ToList();
        foreach (var batch in flowing)
        {
            await fixture.Bus.PublishAsync(batch);
        }

        await Eventually.Until(() => flowing.All(b => Delivered(b.BatchId) == 1), Deadline, "the other table's batches");
        await Eventually.Until(() => _scheduler.Parked.Count == waiting.Count, Deadline, "every batch of the full table parked");

        var parked = _scheduler.Parked;
        Assert.All(parked, p => Assert.Equal(ids[p.Batch.BatchId], p.MessageId));
        Assert.All(parked, p => Assert.Equal((byte)JobPriority.High, p.Priority));
        Assert.All(parked, p => Assert.Contains("DeliverBatch", p.Destination.ToString(), StringComparison.Ordinal));
        Assert.All(parked, p => Assert.InRange(p.DueAt, DateTime.UtcNow.AddSeconds(500), DateTime.UtcNow.AddSeconds(700)));
        await Eventually.Until(() => fixture.Bus.Seen<TableFull>().Any(e => e.TableKey == full), Deadline, "TableFull");
        var tableFull = Assert.Single(fixture.Bus.Seen<TableFull>(), e => e.TableKey == full);
        Assert.Equal(40, tableFull.MaxRows);
        Assert.Contains("AutoDelete", tableFull.Fix, StringComparison.Ordinal);
        Assert.Equal(40, await fixture.Sim.TableCounterAsync(full, "recordsAccepted"));
        Assert.Equal(0, await fixture.Sim.TableCounterAsync(full, "droppedOverTableCap"));
        foreach (var batch in waiting)
        {
            Assert.False(await fixture.Redis.Database.KeyExistsAsync(fixture.Redis.Prefix + $"delivery:job:{batch.JobId:N}"), "a parked batch claimed rows");
        }

        Assert.Contains(full, await host.Http.GetStringAsync(new Uri("/health/ready", UriKind.Relative)), StringComparison.Ordinal);
        Assert.True(await fixture.Rabbit.QueueDepthAsync("deliver-batch_error") <= 0, "a batch was dead-lettered");

        // Room again: the parked batches go when they come back.
        host.Settings.Set(new Dictionary<string, string?> { [$"Tables:{full}:MaxRows"] = "100" });
        await _scheduler.ReleaseAllAsync();
        await Eventually.Until(() => waiting.All(b => Delivered(b.BatchId) == 1), Deadline, "the parked batches");
        Assert.Equal(100, await fixture.Sim.TableCounterAsync(full, "recordsAccepted"));
        Assert.Empty(fixture.Bus.Seen<Fault<DeliverBatch>>());
    }

    [Fact]
    public async Task Should_park_a_table_whose_webhook_url_a_reload_broke_and_deliver_it_once_fixed()
    {
        var (broken, other) = (Table(), Table());
        var settings = await TwoTablesAsync(broken, other);
        settings["Parking:RecheckSeconds"] = "600";
        await using var host = EnricherHost.Start(fixture, settings);
        var goodUrl = settings[$"Tables:{broken}:Webhooks:0:Url"];

        host.Settings.Set(new Dictionary<string, string?> { [$"Tables:{broken}:Webhooks:0:Url"] = "htps:/typo-dev-only-secret" });
        var waiting = Enumerable.Range(0, 3).Select(_ => EnricherHost.Batch(broken, 10)).ToList();
        var flowing = Enumerable.Range(0, 3).Select(_ => EnricherHost.Batch(other, 10)).ToList();
        foreach (var batch in waiting.Concat(flowing))
        {
            await fixture.Bus.PublishAsync(batch);
        }

        await Eventually.Until(() => flowing.All(b => Delivered(b.BatchId) == 1), Deadline, "the other table's batches");
        await Eventually.Until(() => _scheduler.Parked.Count == waiting.Count, Deadline, "the broken table's batches parked");
        var ready = await host.Http.GetStringAsync(new Uri("/health/ready", UriKind.Relative));
        Assert.Contains($"Tables:{broken}:Webhooks:0:Url", ready, StringComparison.Ordinal);
        Assert.DoesNotContain("typo-dev-only-secret", ready, StringComparison.Ordinal);
        Assert.True(await fixture.Rabbit.QueueDepthAsync("deliver-batch_error") <= 0, "a batch was dead-lettered");
        Assert.Equal(0, await fixture.Sim.TableCounterAsync(broken, "recordsAccepted"));

        host.Settings.Set(new Dictionary<string, string?> { [$"Tables:{broken}:Webhooks:0:Url"] = goodUrl });
        await _scheduler.ReleaseAllAsync();
        await Eventually.Until(() => waiting.All(b => Delivered(b.BatchId) == 1), Deadline, "the parked batches once the URL is fixed");
        Assert.Equal(30, await fixture.Sim.TableCounterAsync(broken, "recordsAccepted"));
        Assert.Empty(fixture.Bus.Seen<Fault<DeliverBatch>>());
        await Eventually.Until(
            async () => !(await host.Http.GetStringAsync(new Uri("/health/ready", UriKind.Relative))).Contains(broken, StringComparison.Ordinal),
            Deadline,
            "readiness to drop the table");
    }

    [Fact]
    public async Task Should_park_a_spent_pools_batches_publish_WebhookPoolExhausted_once_and_use_a_webhook_added_later()
    {
        var table = Table();
        await fixture.Sim.CreateTableAsync(table);
        var settings = EnricherHost.Webhooks(table, [await fixture.Sim.CreateWebhookAsync(table, 100)]);
        settings["Webhooks:WarnAt"] = "10";
        settings["Webhooks:RotateAt"] = "20";
        settings["Webhooks:HardCap"] = "30";
        settings["Parking:RecheckSeconds"] = "600";
        await using var host = EnricherHost.Start(fixture, settings);

        var first = EnricherHost.Batch(table, 20);
        await fixture.Bus.PublishAsync(first);
        await Eventually.Until(() => Delivered(first.BatchId) == 1, Deadline, "the batch that spends the pool");
        // 15 rows: the new webhook holds them below its RotateAt.
        var waiting = Enumerable.Range(0, 3).Select(_ => EnricherHost.Batch(table, 5)).ToList();
        foreach (var batch in waiting)
        {
            await fixture.Bus.PublishAsync(batch);
        }

        await Eventually.Until(() => _scheduler.Parked.Count == waiting.Count, Deadline, "the spent table's batches parked");
        await Eventually.Until(() => fixture.Bus.Seen<WebhookPoolExhausted>().Any(e => e.TableKey == table), Deadline, "WebhookPoolExhausted");
        var exhausted = Assert.Single(fixture.Bus.Seen<WebhookPoolExhausted>(), e => e.TableKey == table);
        Assert.Equal(1, exhausted.Webhooks);
        Assert.True(await fixture.Rabbit.QueueDepthAsync("deliver-batch_error") <= 0, "a batch was dead-lettered");
        Assert.Equal(20, await fixture.Sim.TableCounterAsync(table, "recordsAccepted"));

        var added = await fixture.Sim.CreateWebhookAsync(table, 100);
        host.Settings.Set(new Dictionary<string, string?> { [$"Tables:{table}:Webhooks:1:Url"] = added.Url, [$"Tables:{table}:Webhooks:1:Token"] = added.Token });
        await _scheduler.ReleaseAllAsync();
        await Eventually.Until(() => waiting.All(b => Delivered(b.BatchId) == 1), Deadline, "the parked batches on the new webhook");
        Assert.Equal(15, await fixture.Sim.WebhookCounterAsync(added.Id, "recordsAccepted"));
        Assert.Empty(fixture.Bus.Seen<Fault<DeliverBatch>>());
    }

    private async Task<Dictionary<string, string?>> TwoTablesAsync(string first, string second)
    {
        await fixture.Sim.CreateTableAsync(first);
        await fixture.Sim.CreateTableAsync(second);
        var settings = EnricherHost.Webhooks(first, [await fixture.Sim.CreateWebhookAsync(first)]);
        foreach (var (key, value) in EnricherHost.Webhooks(second, [await fixture.Sim.CreateWebhookAsync(second)]))
        {
            settings[key] = value;
        }

        return settings;
    }

    private int Delivered(Guid batchId) => fixture.Bus.Seen<BatchDelivered>().Count(d => d.BatchId == batchId);

    private static string Table() => $"t-{Guid.NewGuid():N}"[..14];
}
