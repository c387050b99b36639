using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Jobs;
using ClayBus.Monitor.Metrics;
using ClayBus.Testing;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using JobState = ClayBus.Monitor.Jobs.JobState;
using JobStateMachine = ClayBus.Monitor.Jobs.JobStateMachine;

namespace ClayBus.Monitor.Tests.Jobs;

/// <summary>A finished job whose dead letters are requeued reopens and finishes again (in-memory harness).</summary>
public sealed class JobReopeningSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly JobMessages _job = new(NewId.NextGuid());
    private readonly FakeTableBlocks _blocks = new();
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;
    private ISagaStateMachineTestHarness<JobStateMachine, JobState> _saga = null!;

    public async Task InitializeAsync()
    {
        _provider = new ServiceCollection()
            .AddSingleton(Options.Create(new JobTrackingOptions { StuckAfter = TimeSpan.FromMinutes(30) }))
            .AddSingleton<TimeProvider>(_clock)
            .AddSingleton<ITableBlockReader>(_blocks)
            .AddMetrics()
            .AddSingleton<MonitorMetrics>()
            .AddMassTransitTestHarness(x =>
            {
                x.AddDelayedMessageScheduler();
                x.AddSagaStateMachine<JobStateMachine, JobState, JobStateDefinition>().InMemoryRepository();
                x.UsingInMemory((context, bus) =>
                {
                    bus.UseDelayedMessageScheduler();
                    bus.ConfigureEndpoints(context);
                });
            })
            .BuildServiceProvider(true);
        _harness = _provider.GetRequiredService<ITestHarness>();
        await _harness.Start();
        _saga = _harness.GetSagaStateMachineHarness<JobStateMachine, JobState>();
    }

    public async Task DisposeAsync()
    {
        await _harness.Stop();
        await _provider.DisposeAsync();
    }

    [Fact]
    public async Task Should_reopen_when_a_requeued_batch_is_delivered_and_finish_again_with_corrected_figures()
    {
        await FinishWithBatchOneDeadLettered();

        _clock.Advance(TimeSpan.FromMinutes(5));
        var reopenedAt = _clock.GetUtcNow();
        await _harness.Bus.Publish(_job.Delivered(1));
        Assert.NotNull(await _saga.Exists(_job.JobId, m => m.Enriching));
        var reopened = _saga.Sagas.Contains(_job.JobId)!;
        Assert.Equal((1, reopenedAt, (DateTimeOffset?)null), (reopened.Reopens, reopened.ReopenedAt, reopened.CompletedAt));
        Assert.Equal((4, 0), (reopened.RowsDelivered, reopened.RowsDeadLettered));

        _clock.Advance(TimeSpan.FromSeconds(30));
        var refinishedAt = _clock.GetUtcNow();
        await _harness.Bus.Publish(_job.Progress(enriched: 3, error: 1, credits: 9m));
        Assert.NotNull(await _saga.Exists(_job.JobId, m => m.CompletedWithFailures));

        var summaries = await Summaries(2);
        var corrected = summaries[^1];
        Assert.Equal((2, 2, 0, 2), (summaries[0].RowsDelivered, summaries[0].RowsEnriched, summaries[0].RowsFailed, summaries[0].RowsDeadLettered));
        Assert.Equal((4, 3, 1, 0, 9m), (corrected.RowsDelivered, corrected.RowsEnriched, corrected.RowsFailed, corrected.RowsDeadLettered, corrected.CreditsSpent));
        Assert.Equal(refinishedAt, corrected.CompletedAt);
        Assert.Equal(1, corrected.Reopens);
        Assert.Equal(
            ["completedWithFailures", JobEpisodes.ReopenedPhase, "completedWithFailures"],
            corrected.Episodes!.Select(e => e.Phase));
        Assert.Equal(reopenedAt, corrected.Episodes![1].At);
        Assert.Contains(_job.BatchId(1).ToString("N"), corrected.Episodes![1].Reason, StringComparison.Ordinal);
        await AssertNoSagaFaults();
    }

    [Fact]
    public async Task Should_finish_again_at_once_when_callbacks_come_before_the_requeued_delivery()
    {
        await FinishWithBatchOneDeadLettered();

        await _harness.Bus.Publish(_job.Progress(enriched: 4));
        var afterProgress = await Summaries(2);
        Assert.Equal(JobPhase.Completed, afterProgress[^1].Phase);
        Assert.Equal((4, 0), (afterProgress[^1].RowsEnriched, afterProgress[^1].RowsDeadLettered));

        await _harness.Bus.Publish(_job.Delivered(1));
        var afterDelivery = await Summaries(3);
        Assert.Equal((JobPhase.Completed, 4, 4, 0), (afterDelivery[^1].Phase, afterDelivery[^1].RowsDelivered, afterDelivery[^1].RowsEnriched, afterDelivery[^1].RowsDeadLettered));
        Assert.Equal(2, afterDelivery[^1].Reopens);
    }

    [Fact]
    public async Task Should_not_reopen_for_a_repeated_delivery_or_a_stale_fault()
    {
        await FinishWithBatchOneDeadLettered();
        await _harness.Bus.Publish(_job.Delivered(1));
        await _harness.Bus.Publish(_job.Progress(enriched: 4));
        await Summaries(2);

        await _harness.Bus.Publish(_job.Delivered(1));
        await _harness.Bus.Publish(_job.Delivered(0));
        await _harness.Bus.Publish<Fault<DeliverBatch>>(new { Message = _job.Batch(1), Timestamp = DateTime.UtcNow, Exceptions = Array.Empty<ExceptionInfo>() });
        await _harness.Bus.Publish(_job.Progress(enriched: 3));
        await Eventually.Until(
            () => _harness.Consumed.Select<JobProgressed>(m => m.Context.Message.JobId == _job.JobId).Count() == 3
                && _harness.Consumed.Select<BatchDelivered>(m => m.Context.Message.JobId == _job.JobId).Count() == 4
                && _harness.Consumed.Select<Fault<DeliverBatch>>(m => m.Context.Message.Message.JobId == _job.JobId).Count() == 2,
            Deadline,
            "the saga to consume the repeated and stale events");

        Assert.NotNull(await _saga.Exists(_job.JobId, m => m.Completed));
        Assert.Equal(1, _saga.Sagas.Contains(_job.JobId)!.Reopens);
        Assert.Equal(2, _harness.Published.Select<JobCompleted>(m => m.Context.Message.JobId == _job.JobId).Count());
        await AssertNoSagaFaults();
    }

    // Fault<DeliverBatch> is the tests' own dead letter; a saga fault would be a Fault of the event it handled.
    private async Task AssertNoSagaFaults()
    {
        Assert.False(await _harness.Published.Any<Fault<BatchDelivered>>());
        Assert.False(await _harness.Published.Any<Fault<JobProgressed>>());
        Assert.False(await _harness.Published.Any<Fault<Fault<DeliverBatch>>>());
    }

    private async Task FinishWithBatchOneDeadLettered()
    {
        await _harness.Bus.Publish(_job.Submitted());
        await _harness.Bus.Publish(_job.Delivered(0));
        await _harness.Bus.Publish<Fault<DeliverBatch>>(new { Message = _job.Batch(1), Timestamp = DateTime.UtcNow, Exceptions = Array.Empty<ExceptionInfo>() });
        await _harness.Bus.Publish(_job.Progress(enriched: 2));
        Assert.NotNull(await _saga.Exists(_job.JobId, m => m.CompletedWithFailures));
        await Summaries(1);
    }

    /// <summary>Waits for <paramref name="count"/> JobCompleted of this job and returns them in publish order.</summary>
    private async Task<IReadOnlyList<JobCompleted>> Summaries(int count)
    {
        await Eventually.Until(
            () => _harness.Published.Select<JobCompleted>(m => m.Context.Message.JobId == _job.JobId).Count() >= count,
            Deadline,
            $"{count} JobCompleted");
        return [.. _harness.Published.Select<JobCompleted>(m => m.Context.Message.JobId == _job.JobId).Select(m => m.Context.Message)];
    }
}
