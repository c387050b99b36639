using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Callbacks;
using ClayBus.Monitor.Jobs;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.Monitor.Tests.Callbacks;

/// <summary>
/// What the Monitor already told Clay "200" for must survive the Monitor being killed at any step: a parked callback
/// until it is settled, a job's progress flag until its progress is on the broker.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CallbackStoreSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private readonly RedisKeyspace _redis = new(
        infrastructure.Redis.Connection,
        Options.Create(new RedisOptions { KeyPrefix = infrastructure.Redis.Prefix + Guid.NewGuid().ToString("N")[..8] + ":" }));

    private CallbackStore Ledger => new(_redis, Options.Create(new CallbackOptions()));

    [Fact]
    public async Task Should_keep_a_parked_callback_until_it_is_settled()
    {
        var callback = Enriched(Guid.NewGuid(), "row-parked");
        Assert.Equal(CallbackRecord.UnknownRow, (await Ledger.Record(callback, callback.JobId, "inbound", DateTimeOffset.UtcNow)).Record);

        // A Monitor killed after reading it must find it again on the redelivered BatchDelivered.
        Assert.NotNull(await Ledger.PeekParked("row-parked"));
        await KnowRowAsync("row-parked", callback.JobId!.Value);
        var parked = (await Ledger.PeekParked("row-parked"))!.Callback;
        Assert.Equal(CallbackRecord.New, (await Ledger.Record(parked, parked.JobId, "inbound", DateTimeOffset.UtcNow)).Record);
        await Ledger.ForgetParked("row-parked");

        Assert.Null(await Ledger.PeekParked("row-parked"));
    }

    [Fact]
    public async Task Should_keep_a_job_dirty_when_its_progress_was_read_but_never_settled()
    {
        var jobId = Guid.NewGuid();
        await RecordAsync(jobId, "row-a");

        var read = await Ledger.TakeProgress(jobId);

        // Killed here, before publishing: the next round must still see the job.
        Assert.Contains(jobId, await Ledger.DirtyJobs(100));
        Assert.Equal(1, read!.Tables["inbound"].Enriched);
    }

    [Fact]
    public async Task Should_keep_a_job_dirty_when_a_callback_counted_after_its_progress_was_read()
    {
        var jobId = Guid.NewGuid();
        await RecordAsync(jobId, "row-a");
        var first = await Ledger.TakeProgress(jobId);
        await RecordAsync(jobId, "row-b");

        Assert.False(await Ledger.SettleDirty(jobId, first));
        Assert.Contains(jobId, await Ledger.DirtyJobs(100));

        var second = await Ledger.TakeProgress(jobId);
        Assert.True(await Ledger.SettleDirty(jobId, second));
        Assert.DoesNotContain(jobId, await Ledger.DirtyJobs(100));
        Assert.Equal(2, second!.Tables["inbound"].Enriched);
    }

    [Fact]
    public async Task Should_publish_progress_again_after_a_failed_publish_and_only_then_clear_the_flag()
    {
        var jobId = Guid.NewGuid();
        await RecordAsync(jobId, "row-a");
        var brokerDown = true;
        await using var provider = new ServiceCollection()
            .AddMassTransitTestHarness(x => x.UsingInMemory((_, bus) => bus.ConfigurePublish(publish => publish.UseExecute(_ =>
            {
                if (Volatile.Read(ref brokerDown))
                {
                    throw new InvalidOperationException("the broker is unreachable");
                }
            }))))
            .BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        using var signal = new JobProgressSignal();
        var aggregator = new JobProgressAggregator(
            Ledger, signal, harness.Bus, Options.Create(new JobTrackingOptions()), TimeProvider.System, NullLogger<JobProgressAggregator>.Instance);

        await aggregator.FlushAsync(CancellationToken.None);
        Assert.Contains(jobId, await Ledger.DirtyJobs(100));

        Volatile.Write(ref brokerDown, false);
        await aggregator.FlushAsync(CancellationToken.None);

        Assert.True(await harness.Published.Any<JobProgressed>(p => p.Context.Message.JobId == jobId));
        Assert.DoesNotContain(jobId, await Ledger.DirtyJobs(100));
    }

    [Fact]
    public async Task Should_give_up_a_publish_that_never_ends_and_publish_the_progress_next_round()
    {
        // After its node was lost, one publish of the aggregator never ended: the job stayed enriching with every callback in.
        var jobId = Guid.NewGuid();
        await RecordAsync(jobId, "row-hung");
        await using var provider = new ServiceCollection().AddMassTransitTestHarness(x => x.UsingInMemory()).BuildServiceProvider(true);
        var harness = provider.GetRequiredService<ITestHarness>();
        await harness.Start();
        var (bus, gate) = BrokerGate.Over(harness.Bus);
        gate.State = BrokerState.Hanging;
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        using var signal = new JobProgressSignal();
        var aggregator = new JobProgressAggregator(Ledger, signal, bus, Options.Create(new JobTrackingOptions()), clock, NullLogger<JobProgressAggregator>.Instance);

        var flush = aggregator.FlushAsync(CancellationToken.None);
        await Eventually.Until(
            () =>
            {
                clock.Advance(TimeSpan.FromSeconds(1));
                return Task.FromResult(flush.IsCompleted);
            },
            TimeSpan.FromSeconds(30),
            "the flush to give up the hung publish");
        await flush;
        Assert.Contains(jobId, await Ledger.DirtyJobs(100));

        gate.State = BrokerState.Up;
        await aggregator.FlushAsync(CancellationToken.None);

        Assert.True(await harness.Published.Any<JobProgressed>(p => p.Context.Message.JobId == jobId));
        Assert.DoesNotContain(jobId, await Ledger.DirtyJobs(100));
    }

    private static ClayCallback Enriched(Guid jobId, string rowId) =>
        new(rowId, jobId, ClayCallback.Enriched, "apollo", [new ProviderOutcome("apollo", ProviderResult.Hit, 1m)], 1m, 1);

    private Task KnowRowAsync(string rowId, Guid jobId) =>
        _redis.Database.HashSetAsync(CallbackStore.RowKey(rowId), [new("job", jobId.ToString()), new("table", "inbound")]);

    private async Task RecordAsync(Guid jobId, string rowId)
    {
        await KnowRowAsync(rowId, jobId);
        Assert.Equal(CallbackRecord.New, (await Ledger.Record(Enriched(jobId, rowId), jobId, "inbound", DateTimeOffset.UtcNow)).Record);
    }
}
