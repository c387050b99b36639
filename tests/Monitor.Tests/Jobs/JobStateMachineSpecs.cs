using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Jobs;
using ClayBus.Monitor.Metrics;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using JobState = ClayBus.Monitor.Jobs.JobState;
using JobStateMachine = ClayBus.Monitor.Jobs.JobStateMachine;

namespace ClayBus.Monitor.Tests.Jobs;

/// <summary>The machine's transitions on MassTransit's in-memory harness (no broker, no Redis).</summary>
public sealed class JobStateMachineSpecs : IAsyncLifetime
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
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
    public async Task Should_go_from_submitted_to_completed_and_publish_the_summary()
    {
        var job = new JobMessages(NewId.NextGuid());
        var submitted = job.Submitted(rejected: 2, deduplicated: 1);
        var firstDelivery = job.Delivered(0, at: _clock.GetUtcNow().AddSeconds(1));
        var lastCallback = _clock.GetUtcNow().AddSeconds(5);

        await _harness.Bus.Publish(submitted);
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Submitted));
        await _harness.Bus.Publish(firstDelivery);
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Delivering));
        _clock.Advance(TimeSpan.FromSeconds(2));
        await _harness.Bus.Publish(job.Delivered(1, at: _clock.GetUtcNow()));
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Enriching));
        await _harness.Bus.Publish(job.Progress(enriched: 4, credits: 7.5m, at: lastCallback));
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Completed));

        var completed = await Published<JobCompleted>(job.JobId);
        Assert.Equal(JobPhase.Completed, completed.Phase);
        Assert.Equal(4, completed.RowsEnriched);
        Assert.Equal(7.5m, completed.CreditsSpent);
        // Submission and delivery figures: 4 accepted rows estimated and reserved at 2 credits each.
        Assert.Equal((2, 1, 8m, 8m), (completed.RowsRejected, completed.RowsDeduplicated, completed.CreditsEstimated, completed.CreditsReserved));
        var table = Assert.Single(completed.Tables!);
        Assert.Equal(
            new JobTableFigures(job.Table, 4, 2, 1, 4, 4, 0, 0, 0, 8m, 8m, 7.5m),
            table);
        Assert.Equal(submitted.SubmittedAt, completed.SubmittedAt);
        Assert.Equal(firstDelivery.DeliveredAt, completed.FirstDeliveredAt);
        Assert.Equal(_clock.GetUtcNow(), completed.EnrichingAt);
        Assert.Equal(lastCallback.AddSeconds(-1), completed.FirstCallbackAt);
        Assert.Equal(lastCallback, completed.LastCallbackAt);
        Assert.Null(completed.StuckAt);
        Assert.Null(completed.RecoveredAt);
        Assert.Equal(0, completed.StuckEpisodes);
    }

    [Fact]
    public async Task Should_keep_the_first_stuck_time_and_count_the_episodes_when_a_job_gets_stuck_again()
    {
        var job = new JobMessages(NewId.NextGuid());
        await _harness.Bus.Publish(job.Submitted());
        await _harness.Bus.Publish(job.Delivered(0, at: _clock.GetUtcNow()));
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Delivering));

        // The check is published by hand (the scheduler would send it in 30 minutes): without a token it is current.
        _clock.Advance(TimeSpan.FromMinutes(31));
        var firstStuck = _clock.GetUtcNow();
        await _harness.Bus.Publish(new StuckCheckDue(job.JobId));
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Stuck));

        _clock.Advance(TimeSpan.FromMinutes(1));
        var recovered = _clock.GetUtcNow();
        await _harness.Bus.Publish(job.Delivered(1, at: recovered));
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Enriching));
        Assert.Equal(recovered, _saga.Sagas.Contains(job.JobId)!.RecoveredAt);

        _clock.Advance(TimeSpan.FromMinutes(31));
        var secondStuck = _clock.GetUtcNow();
        await _harness.Bus.Publish(new StuckCheckDue(job.JobId));
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Stuck));
        var stuck = _saga.Sagas.Contains(job.JobId)!;
        Assert.Equal((firstStuck, secondStuck, 2), (stuck.StuckAt, stuck.LastStuckAt, stuck.StuckEpisodes));

        _clock.Advance(TimeSpan.FromMinutes(2));
        var done = _clock.GetUtcNow();
        await _harness.Bus.Publish(job.Progress(enriched: 4, at: done));
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Completed));

        var completed = await Published<JobCompleted>(job.JobId);
        Assert.Equal((firstStuck, done, 2), (completed.StuckAt, completed.RecoveredAt, completed.StuckEpisodes));
        Assert.Equal(new[] { firstStuck, secondStuck }, _harness.Published.Select<JobStuck>(m => m.Context.Message.JobId == job.JobId).Select(m => m.Context.Message.At).Order());
    }

    [Fact]
    public async Task Should_name_the_full_table_as_the_likely_cause_when_the_job_gets_stuck()
    {
        var job = new JobMessages(NewId.NextGuid());
        await _harness.Bus.Publish(job.Submitted());
        await _harness.Bus.Publish(job.Delivered(0, at: _clock.GetUtcNow()));
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Delivering));
        _blocks.Blocks.Add(new TableBlock(job.Table, TableBlockKind.TableFull, _clock.GetUtcNow().AddSeconds(1), "45000 rows sent of 45000"));

        _clock.Advance(TimeSpan.FromMinutes(31));
        await _harness.Bus.Publish(new StuckCheckDue(job.JobId));
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Stuck));

        var stuck = await Published<JobStuck>(job.JobId);
        Assert.StartsWith($"table {job.Table} is full", stuck.LikelyCause, StringComparison.Ordinal);
        Assert.Equal(stuck.LikelyCause, _saga.Sagas.Contains(job.JobId)!.LikelyCause);
    }

    [Fact]
    public async Task Should_accept_deliveries_and_callbacks_before_the_submission_and_reconcile()
    {
        var job = new JobMessages(NewId.NextGuid());

        await _harness.Bus.Publish(job.Delivered(0));
        await _harness.Bus.Publish(job.Delivered(1));
        await _harness.Bus.Publish(job.Progress(enriched: 3, error: 1));
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Delivering));

        await _harness.Bus.Publish(job.Submitted());

        Assert.NotNull(await _saga.Exists(job.JobId, m => m.CompletedWithFailures));
        Assert.Equal(JobPhase.CompletedWithFailures, (await Published<JobCompleted>(job.JobId)).Phase);
    }

    [Fact]
    public async Task Should_count_a_dead_lettered_batch_as_accounted_for_and_failed()
    {
        var job = new JobMessages(NewId.NextGuid());

        await _harness.Bus.Publish(job.Submitted());
        await _harness.Bus.Publish(job.Delivered(0));
        await _harness.Bus.Publish<Fault<DeliverBatch>>(new { Message = job.Batch(1), Timestamp = DateTime.UtcNow, Exceptions = Array.Empty<ExceptionInfo>() });
        await _harness.Bus.Publish(job.Progress(enriched: 2));

        Assert.NotNull(await _saga.Exists(job.JobId, m => m.CompletedWithFailures));
        Assert.Equal(2, (await Published<JobCompleted>(job.JobId)).RowsDeadLettered);
    }

    [Fact]
    public async Task Should_ignore_late_and_repeated_events_after_completion_without_faults()
    {
        var job = new JobMessages(NewId.NextGuid());
        await _harness.Bus.Publish(job.Submitted());
        await _harness.Bus.Publish(job.Delivered(0));
        await _harness.Bus.Publish(job.Delivered(1));
        await _harness.Bus.Publish(job.Progress(enriched: 4));
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Completed));

        await _harness.Bus.Publish(job.Delivered(1));
        await _harness.Bus.Publish(job.Progress(enriched: 2));
        await _harness.Bus.Publish(job.Submitted());
        await _harness.Bus.Publish(new CancelJob(job.JobId, "ops"));

        Assert.True(await _harness.Consumed.Any<CancelJob>(m => m.Context.Message.JobId == job.JobId));
        Assert.False(await _harness.Published.Any<Fault>());
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Completed));
        Assert.Single(_harness.Published.Select<JobCompleted>(m => m.Context.Message.JobId == job.JobId));
    }

    [Fact]
    public async Task Should_cancel_and_keep_recording_what_clay_already_does()
    {
        var job = new JobMessages(NewId.NextGuid());
        await _harness.Bus.Publish(job.Submitted());
        await _harness.Bus.Publish(job.Delivered(0));

        await _harness.Bus.Publish(new CancelJob(job.JobId, "ops", "wrong list"));
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Cancelled));
        Assert.Equal("ops", (await Published<JobCancelled>(job.JobId)).RequestedBy);

        await _harness.Bus.Publish(job.Progress(enriched: 2, credits: 5));
        await ClayBus.Testing.Eventually.Until(() => _saga.Sagas.Contains(job.JobId)?.CreditsSpent == 5m, TimeSpan.FromSeconds(10), "the cancelled job to record the credits");
        Assert.Equal("Cancelled", _saga.Sagas.Contains(job.JobId)!.CurrentState);
        Assert.False(await _harness.Published.Any<Fault<JobProgressed>>());
    }

    private async Task<T> Published<T>(Guid jobId)
        where T : class
    {
        Assert.True(await _harness.Published.Any<T>(m => Id(m.Context.Message) == jobId), $"{typeof(T).Name} was not published");
        return _harness.Published.Select<T>(m => Id(m.Context.Message) == jobId).First().Context.Message;
    }

    private static Guid Id(object message) => (Guid)message.GetType().GetProperty("JobId")!.GetValue(message)!;
}
