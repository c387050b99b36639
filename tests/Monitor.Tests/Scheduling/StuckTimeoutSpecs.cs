using System.Net;
using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Tests.Integration;
using ClayBus.Monitor.Tests.Jobs;
using ClayBus.Testing;
using MassTransit;

namespace ClayBus.Monitor.Tests.Scheduling;

/// <summary>
/// The stuck timeout goes through the Redis scheduler: it is scheduled, the Monitor process is killed (SIGKILL),
/// a new process starts, and the timeout still fires; later progress moves the job on.
/// </summary>
[Trait("Category", "Integration")]
public sealed class StuckTimeoutSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_fire_a_stuck_timeout_scheduled_before_a_crash_and_recover_on_progress()
    {
        var job = new JobMessages(NewId.NextGuid());
        var environment = MonitorHost.Settings(infrastructure, new Dictionary<string, string?> { ["Jobs:StuckAfter"] = "00:00:06" })
            .ToDictionary(pair => pair.Key.Replace(":", "__", StringComparison.Ordinal), pair => pair.Value);
        await using var bus = await TestBus.StartAsync(infrastructure, (endpoint, keep) =>
        {
            endpoint.Handler<JobStuck>(context => Task.Run(() => keep(context.Message)));
            endpoint.Handler<JobCompleted>(context => Task.Run(() => keep(context.Message)));
        });

        var crashed = ServiceProcess.Start("src/Monitor", environment, name: "monitor-1");
        await crashed.WaitReadyAsync();
        await bus.Bus.Publish(job.Submitted());
        await bus.Bus.Publish(job.Delivered(0));
        await Eventually.Until(async () => await State(job.JobId) == "Delivering", TimeSpan.FromSeconds(30), "the job to be delivering");
        await Eventually.Until(async () => await infrastructure.Redis.Database.SortedSetLengthAsync(infrastructure.Redis.Prefix + "scheduler:due") > 0, TimeSpan.FromSeconds(10), "the stuck check to be scheduled");
        crashed.Kill();
        Assert.Empty(bus.Events.Of<JobStuck>());

        await using var restarted = ServiceProcess.Start("src/Monitor", environment, name: "monitor-2");
        await restarted.WaitReadyAsync();

        await Eventually.Until(() => bus.Events.Of<JobStuck>().Any(e => e.JobId == job.JobId), TimeSpan.FromSeconds(60), "JobStuck after the restart");
        var stuck = bus.Events.Of<JobStuck>().Single(e => e.JobId == job.JobId);
        Assert.Equal(4, stuck.RowsOutstanding);
        Assert.StartsWith("batches not delivered", stuck.LikelyCause, StringComparison.Ordinal);
        Assert.Equal("Stuck", await State(job.JobId));

        await bus.Bus.Publish(job.Delivered(1));
        await Eventually.Until(async () => await State(job.JobId) == "Enriching", TimeSpan.FromSeconds(30), "progress to move the job out of Stuck");

        using var http = new HttpClient { BaseAddress = restarted.BaseAddress };
        foreach (var rowId in job.RowIds)
        {
            var response = await Callback.Send(http, job.Table, Callback.Body(job.JobId, rowId));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await Eventually.Until(() => bus.Events.Of<JobCompleted>().Any(e => e.JobId == job.JobId), TimeSpan.FromSeconds(30), "JobCompleted");
        Assert.Equal(4, bus.Events.Of<JobCompleted>().Single(e => e.JobId == job.JobId).RowsEnriched);
    }

    private async Task<string?> State(Guid jobId)
    {
        var json = await infrastructure.Redis.Database.HashGetAsync($"{infrastructure.Redis.Prefix}saga:job:{jobId:N}", "d");
        return json.IsNullOrEmpty ? null : System.Text.Json.JsonDocument.Parse((string)json!).RootElement.GetProperty("currentState").GetString();
    }
}
