using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Tests.Integration;
using ClayBus.Testing;
using MassTransit;

namespace ClayBus.Monitor.Tests.Jobs;

/// <summary>
/// A job's figures and transition times, on the real RabbitMQ and Redis with the Redis scheduler's stuck checks (a
/// 3 s timeout): what the status API shows for the job and its table, and what JobCompleted carries.
/// </summary>
[Trait("Category", "Integration")]
public sealed class JobFiguresSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>, IAsyncLifetime
{
    private MonitorHost _monitor = null!;
    private EventRecorder _events = null!;

    public async Task InitializeAsync()
    {
        _monitor = await MonitorHost.StartAsync(infrastructure, new Dictionary<string, string?> { ["Jobs:StuckAfter"] = "00:00:03" });
        _events = await EventRecorder.StartAsync(_monitor.Bus, (endpoint, keep) =>
            endpoint.Handler<JobCompleted>(context => Task.Run(() => keep(context.Message))));
    }

    public async Task DisposeAsync()
    {
        await _events.DisposeAsync();
        await _monitor.DisposeAsync();
    }

    [Fact]
    public async Task Should_show_rejected_deduplicated_credits_and_stuck_episodes_in_the_status_api_and_in_job_completed()
    {
        var job = new JobMessages(NewId.NextGuid());
        var submitted = job.Submitted(rejected: 2, deduplicated: 1);
        var firstDelivery = job.Delivered(0);
        await _monitor.Bus.Publish(submitted);
        await _monitor.Bus.Publish(firstDelivery);

        // Half the rows sent and no callback: stuck after 3 s; the second batch moves it on, and silence sticks it again.
        var stuck = await _monitor.JobWhere(job.JobId, j => j.CurrentState == "Stuck", "the job to get stuck");
        await _monitor.Bus.Publish(job.Delivered(1));
        var again = await _monitor.JobWhere(job.JobId, j => j.CurrentState == "Stuck" && j.StuckEpisodes == stuck.StuckEpisodes + 1, "the job to get stuck again");

        var status = await _monitor.Client.GetFromJsonAsync<JsonElement>($"/status/jobs/{job.JobId}");
        Assert.Equal("stuck", status.GetProperty("phase").GetString());
        Assert.Equal((2, 1, 8m, 8m), (Int(status, "rowsRejected"), Int(status, "rowsDeduplicated"), Dec(status, "creditsEstimated"), Dec(status, "creditsReserved")));
        var table = Assert.Single(status.GetProperty("tables").EnumerateArray());
        Assert.Equal((2, 1, 8m, 8m, 0m), (Int(table, "rowsRejected"), Int(table, "rowsDeduplicated"), Dec(table, "creditsEstimated"), Dec(table, "creditsReserved"), Dec(table, "creditsSpent")));
        var stuckAt = Time(status, "stuckAt");
        var recoveredAt = Time(status, "recoveredAt");
        var lastStuckAt = Time(status, "lastStuckAt");
        Assert.Equal(stuck.StuckAt, stuckAt);
        Assert.True(stuckAt < recoveredAt && recoveredAt < lastStuckAt, $"stuck {stuckAt:O}, recovered {recoveredAt:O}, stuck again {lastStuckAt:O}");
        Assert.Equal(again.StuckEpisodes, Int(status, "stuckEpisodes"));
        Assert.Equal(firstDelivery.DeliveredAt, Time(status, "firstDeliveredAt"));
        Assert.True(Time(status, "enrichingAt") >= firstDelivery.DeliveredAt);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("firstCallbackAt").ValueKind);

        foreach (var rowId in job.RowIds)
        {
            Assert.Equal(HttpStatusCode.OK, (await Callback.Send(_monitor.Client, job.Table, Callback.Body(job.JobId, rowId, credits: 2.5m))).StatusCode);
        }

        var completed = await Eventually.Value(
            () => Task.FromResult(_events.Of<JobCompleted>().FirstOrDefault(e => e.JobId == job.JobId)),
            e => e is not null,
            TimeSpan.FromSeconds(30),
            "JobCompleted");
        var final = await _monitor.Client.GetFromJsonAsync<JsonElement>($"/status/jobs/{job.JobId}");
        Assert.Equal("completed", final.GetProperty("phase").GetString());
        Assert.Equal(new JobTableFigures(job.Table, 4, 2, 1, 4, 4, 0, 0, 0, 8m, 8m, 10m), Assert.Single(completed!.Tables!));
        Assert.Equal((2, 1, 8m, 8m, 10m), (completed.RowsRejected, completed.RowsDeduplicated, completed.CreditsEstimated, completed.CreditsReserved, completed.CreditsSpent));
        Assert.Equal(10m, Dec(final.GetProperty("tables")[0], "creditsSpent"));
        Assert.Equal(stuckAt, completed.StuckAt);
        Assert.Equal(again.StuckEpisodes, completed.StuckEpisodes);
        // Completion is how it left Stuck the second time.
        Assert.True(completed.RecoveredAt > lastStuckAt);
        Assert.Equal(Time(final, "recoveredAt"), completed.RecoveredAt);
        Assert.Equal(submitted.SubmittedAt, completed.SubmittedAt);
        Assert.Equal(firstDelivery.DeliveredAt, completed.FirstDeliveredAt);
        Assert.Equal(Time(final, "enrichingAt"), completed.EnrichingAt);
        Assert.Equal(Time(final, "firstCallbackAt"), completed.FirstCallbackAt);
        Assert.Equal(Time(final, "lastCallbackAt"), completed.LastCallbackAt);
        Assert.NotNull(completed.FirstCallbackAt);
    }

    private static int Int(JsonElement element, string name) => element.GetProperty(name).GetInt32();

    private static decimal Dec(JsonElement element, string name) => element.GetProperty(name).GetDecimal();

    private static DateTimeOffset Time(JsonElement element, string name) => element.GetProperty(name).GetDateTimeOffset();
}
