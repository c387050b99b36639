using ClayBus.Contracts.Delivery;
using ClayBus.Enricher.ClayClient;
using ClayBus.Enricher.Pausing;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace ClayBus.Enricher.Tests.Integration;

/// <summary>One webhook failing is that table's problem; every webhook failing is Clay down and pauses the instance.</summary>
[Trait("Category", "Integration")]
public sealed class ClayOutageSpecs(DeliveryFixture fixture) : IClassFixture<DeliveryFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Should_keep_delivering_other_tables_while_one_webhook_fails_and_send_its_batches_once_it_recovers()
    {
        var started = DateTimeOffset.UtcNow;
        var (healthy, failing) = (Table(), Table());
        await fixture.Sim.CreateTableAsync(healthy);
        await fixture.Sim.CreateTableAsync(failing);
        var healthyHook = await fixture.Sim.CreateWebhookAsync(healthy);
        var failingHook = await fixture.Sim.CreateWebhookAsync(failing);
        var broken = new FailingWebhook(failingHook.Url);
        var settings = EnricherHost.Webhooks(healthy, [healthyHook]).Concat(EnricherHost.Webhooks(failing, [failingHook])).ToDictionary();
        // A short break, so the failing webhook is tried again (and seen to fail) several times during the test.
        settings["Clay:BreakerBreakSeconds"] = "2";
        await using var host = EnricherHost.Start(
            fixture,
            settings,
            services => services.AddHttpClient<ClayWebhookClient>().AddHttpMessageHandler(broken.CreateHandler));
        var pause = host.Services.GetRequiredService<DeliveryPause>();
        using var watch = new PauseWatch(pause);
        var healthyBatches = Enumerable.Range(0, 8).Select(_ => EnricherHost.Batch(healthy, 20)).ToList();
        var failingBatches = Enumerable.Range(0, 3).Select(_ => EnricherHost.Batch(failing, 20)).ToList();

        for (var i = 0; i < healthyBatches.Count; i++)
        {
            await fixture.Bus.PublishAsync(healthyBatches[i]);
            if (i < failingBatches.Count)
            {
                await fixture.Bus.PublishAsync(failingBatches[i]);
            }
        }

        await Eventually.Until(() => healthyBatches.All(b => Delivered(b.BatchId)), Deadline, "every batch of the healthy table delivered");
        // Failing requests after the first round (4 attempts) show the failing table's batches came back and were tried again.
        await Eventually.Until(() => broken.Rejected >= 12, Deadline, "the failing webhook tried again and again");
        Assert.DoesNotContain(failingBatches, b => Delivered(b.BatchId));
        Assert.DoesNotContain(fixture.Bus.Seen<Fault<DeliverBatch>>(), f => f.Message.TableKey == failing);
        Assert.True(await fixture.Rabbit.QueueDepthAsync("deliver-batch_error") <= 0, "a batch of the failing webhook was dead-lettered");
        Assert.Contains("delivering", await ReadyAsync(host), StringComparison.Ordinal);

        broken.Failing = false;

        await Eventually.Until(() => failingBatches.All(b => Delivered(b.BatchId)), Deadline, "the failing table's batches delivered after it recovered");
        Assert.Equal(160, await fixture.Sim.TableCounterAsync(healthy, "recordsAccepted"));
        Assert.Equal(60, await fixture.Sim.TableCounterAsync(failing, "recordsAccepted"));
        Assert.Equal(0, await fixture.Sim.TableCounterAsync(healthy, "duplicateRowIds"));
        Assert.Equal(0, await fixture.Sim.TableCounterAsync(failing, "duplicateRowIds"));
        Assert.True(await fixture.Rabbit.QueueDepthAsync("deliver-batch_error") <= 0, "a batch was dead-lettered");
        Assert.False(watch.EverPaused, "the instance paused for one failing webhook");
        Assert.DoesNotContain(fixture.Bus.Seen<DeliveryPaused>(), p => p.At >= started);
    }

    [Fact]
    public async Task Should_pause_when_every_webhook_fails_and_resume_once_Clay_answers_again()
    {
        var started = DateTimeOffset.UtcNow;
        var tables = new[] { Table(), Table() };
        var settings = new Dictionary<string, string?>();
        foreach (var table in tables)
        {
            await fixture.Sim.CreateTableAsync(table);
            settings = settings.Concat(EnricherHost.Webhooks(table, [await fixture.Sim.CreateWebhookAsync(table)])).ToDictionary();
        }

        await using var host = EnricherHost.Start(fixture, settings);
        var pause = host.Services.GetRequiredService<DeliveryPause>();
        var batches = tables.SelectMany(table => Enumerable.Range(0, 3).Select(_ => EnricherHost.Batch(table, 20))).ToList();
        await fixture.Sim.FaultsAsync(new { serverErrorRate = 1.0 });
        try
        {
            foreach (var batch in batches)
            {
                await fixture.Bus.PublishAsync(batch);
            }

            await Eventually.Until(() => pause.Reasons.Any(r => r.Reason == PauseReason.ClayUnavailable), Deadline, "the instance paused for Clay");
            Assert.Contains("ClayUnavailable", await ReadyAsync(host), StringComparison.Ordinal);
            await Eventually.Until(() => PausedSince(started).Count == 1, Deadline, "DeliveryPaused published");
            Assert.DoesNotContain(fixture.Bus.Seen<BatchDelivered>(), d => tables.Contains(d.TableKey));
        }
        finally
        {
            await fixture.Sim.ClearFaultsAsync();
        }

        await Eventually.Until(() => batches.All(b => Delivered(b.BatchId)), Deadline, "every batch delivered once Clay answers");
        await Eventually.Until(
            () => fixture.Bus.Seen<DeliveryResumed>().Count(r => r.Reason == PauseReason.ClayUnavailable && r.At >= started) == PausedSince(started).Count,
            Deadline,
            "a DeliveryResumed for each DeliveryPaused");
        Assert.False(pause.IsPaused);
        Assert.Contains("delivering", await ReadyAsync(host), StringComparison.Ordinal);
        Assert.True(await fixture.Rabbit.QueueDepthAsync("deliver-batch_error") <= 0, "a batch was dead-lettered by the outage");
        foreach (var table in tables)
        {
            Assert.Equal(60, await fixture.Sim.TableCounterAsync(table, "recordsAccepted"));
            Assert.Equal(0, await fixture.Sim.TableCounterAsync(table, "duplicateRowIds"));
        }
    }

    private List<DeliveryPaused> PausedSince(DateTimeOffset started) =>
        [.. fixture.Bus.Seen<DeliveryPaused>().Where(p => p.Reason == PauseReason.ClayUnavailable && p.At >= started)];

    private bool Delivered(Guid batchId) => fixture.Bus.Seen<BatchDelivered>().Any(d => d.BatchId == batchId);

    private static async Task<string> ReadyAsync(EnricherHost host) =>
        await host.Http.GetStringAsync(new Uri("/health/ready", UriKind.Relative));

    private static string Table() => $"t-{Guid.NewGuid():N}"[..14];

    /// <summary>Samples the pause state all along, so a pause shorter than any single check is still seen.</summary>
    private sealed class PauseWatch : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _sampling;
        private volatile bool _everPaused;

        public PauseWatch(DeliveryPause pause) => _sampling = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                _everPaused |= pause.IsPaused;
                await Task.Delay(TimeSpan.FromMilliseconds(10), CancellationToken.None);
            }
        });

        public bool EverPaused => _everPaused;

        public void Dispose()
        {
            _stop.Cancel();
            _sampling.Wait();
            _stop.Dispose();
        }
    }
}
