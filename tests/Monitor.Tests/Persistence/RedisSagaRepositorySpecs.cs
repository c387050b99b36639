using ClayBus.Monitor.Tests.Integration;
using ClayBus.Monitor.Tests.Jobs;
using ClayBus.Testing;
using MassTransit;

namespace ClayBus.Monitor.Tests.Persistence;

/// <summary>The job saga stored in the real Redis, written by more than one Monitor at once.</summary>
[Trait("Category", "Integration")]
public sealed class RedisSagaRepositorySpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_never_lose_an_increment_when_two_monitors_update_one_job_concurrently()
    {
        const int batches = 300;
        var job = new JobMessages(NewId.NextGuid(), rows: batches, rowsPerBatch: 1);
        await using var first = await MonitorHost.StartAsync(infrastructure);
        await using var second = await MonitorHost.StartAsync(infrastructure);

        await Task.WhenAll(Enumerable.Range(0, batches).Select(i => (i % 2 == 0 ? first : second).Bus.Publish(job.Delivered(i))));

        var state = await first.JobWhere(job.JobId, j => j.RowsDelivered >= batches, $"{batches} deliveries counted", seconds: 120);
        Assert.Equal(batches, state.RowsDelivered);
        Assert.Equal(batches, state.Tables[job.Table].BatchesDelivered);
        Assert.Equal(batches * 2m, state.Tables[job.Table].CreditsReserved);
        Assert.Equal(batches, state.Version);
        Assert.True(await infrastructure.Rabbit.QueueDepthAsync("job-state_error") <= 0, "no event may end in job-state_error");
    }

    [Fact]
    public async Task Should_keep_a_job_across_a_monitor_restart()
    {
        var job = new JobMessages(NewId.NextGuid());
        await using (var before = await MonitorHost.StartAsync(infrastructure))
        {
            await before.Bus.Publish(job.Submitted());
            await before.Bus.Publish(job.Delivered(0));
            await before.JobWhere(job.JobId, j => j.RowsDelivered == 2 && j.SubmissionKnown, "the first half delivered");
        }

        await using var after = await MonitorHost.StartAsync(infrastructure);
        await after.Bus.Publish(job.Delivered(1));

        var state = await after.JobWhere(job.JobId, j => j.CurrentState == "Enriching", "the job to be enriching after the restart");
        Assert.Equal(4, state.RowsDelivered);
        Assert.Equal(4, state.RowsAccepted);
    }

    [Fact]
    public async Task Should_expire_a_finished_job_after_its_retention_and_an_unfinished_one_after_its_own()
    {
        var done = new JobMessages(NewId.NextGuid());
        var open = new JobMessages(NewId.NextGuid());
        await using var monitor = await MonitorHost.StartAsync(infrastructure, new Dictionary<string, string?> { ["Jobs:FinishedRetention"] = "00:10:00", ["Jobs:UnfinishedRetention"] = "2.00:00:00" });

        await monitor.Bus.Publish(done.Submitted());
        await monitor.Bus.Publish(done.Delivered(0));
        await monitor.Bus.Publish(done.Delivered(1));
        await monitor.Bus.Publish(done.Progress(enriched: 4));
        await monitor.Bus.Publish(open.Submitted());
        await monitor.JobWhere(done.JobId, j => j.CurrentState == "Completed", "the job to complete");
        await monitor.JobWhere(open.JobId, j => j.CurrentState == "Submitted", "the other job to be submitted");

        var finishedTtl = await infrastructure.Redis.Database.KeyTimeToLiveAsync($"{infrastructure.Redis.Prefix}saga:job:{done.JobId:N}");
        var openTtl = await infrastructure.Redis.Database.KeyTimeToLiveAsync($"{infrastructure.Redis.Prefix}saga:job:{open.JobId:N}");
        Assert.InRange(finishedTtl!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
        var marksTtl = await infrastructure.Redis.Database.KeyTimeToLiveAsync($"{infrastructure.Redis.Prefix}saga:job:{done.JobId:N}:marks");
        Assert.InRange(openTtl!.Value, TimeSpan.FromHours(47), TimeSpan.FromHours(48));
        Assert.InRange(marksTtl!.Value, TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(10));
    }
}
