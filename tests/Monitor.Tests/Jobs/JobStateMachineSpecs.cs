using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Jobs;
using ClayBus.Monitor.Metrics;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using JobState = ClayBus.Monitor.Jobs.JobState;
using JobStateMachine = ClayBus.Monitor.Jobs.JobStateMachine;

namespace ClayBus.Monitor.Tests.Jobs;

/// <summary>The machine's transitions on MassTransit's in-memory harness (no broker, no Redis).</summary>
public sealed class JobStateMachineSpecs : IAsyncLifetime
{
    private ServiceProvider _provider = null!;
    private ITestHarness _harness = null!;
    private ISagaStateMachineTestHarness<JobStateMachine, JobState> _saga = null!;

    public async Task InitializeAsync()
    {
        _provider = new ServiceCollection()
            .AddSingleton(Options.Create(new JobTrackingOptions { StuckAfter = TimeSpan.FromMinutes(30) }))
            .AddSingleton(TimeProvider.System)
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

        await _harness.Bus.Publish(job.Submitted());
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Submitted));
        await _harness.Bus.Publish(job.Delivered(0));
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Delivering));
        await _harness.Bus.Publish(job.Delivered(1));
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Enriching));
        await _harness.Bus.Publish(job.Progress(enriched: 4, credits: 8));
        Assert.NotNull(await _saga.Exists(job.JobId, m => m.Completed));

        var completed = await Published<JobCompleted>(job.JobId);
        Assert.Equal(JobPhase.Completed, completed.Phase);
        Assert.Equal(4, completed.RowsEnriched);
        Assert.Equal(8m, completed.CreditsSpent);
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
