using Microsoft.AspNetCore.Http;

namespace ClayBus.Cli.Tests.Cancel;

public sealed class CancelCommandSpecs : IAsyncLifetime
{
    private FakeMonitor _monitor = null!;

    public async Task InitializeAsync() => _monitor = await FakeMonitor.StartAsync();

    public async Task DisposeAsync() => await _monitor.DisposeAsync();

    [Fact]
    public async Task Should_ask_the_monitor_to_cancel_the_job_with_the_reason()
    {
        var jobId = Guid.NewGuid();
        string? reasonSent = null;
        _monitor.Cancel = (id, reason) =>
        {
            reasonSent = reason;
            return TypedResults.Ok(new { jobId = id, phase = "cancelled", batchesWithdrawn = 4 });
        };
        var cli = new CliRun();

        var exit = await cli.RunAsync("cancel", jobId.ToString(), "--reason", "wrong lead list", "--monitor", _monitor.Address.ToString());

        Assert.Equal(0, exit);
        Assert.Contains($"POST /jobs/{jobId}/cancel", _monitor.Requests);
        Assert.Equal("wrong lead list", reasonSent);
        Assert.Contains($"Cancel of job {jobId} accepted.", cli.Output, StringComparison.Ordinal);
        Assert.Contains(cli.Lines, line => line.StartsWith("batchesWithdrawn", StringComparison.Ordinal) && line.EndsWith('4'));
    }

    [Fact]
    public async Task Should_show_why_the_monitor_refused()
    {
        _monitor.Cancel = (id, _) => TypedResults.Problem($"Job {id} already completed; there is nothing left to cancel.", statusCode: StatusCodes.Status409Conflict, title: "Job already finished");
        var cli = new CliRun();

        var exit = await cli.RunAsync("cancel", Guid.NewGuid().ToString(), "--monitor", _monitor.Address.ToString());

        Assert.Equal(1, exit);
        Assert.Contains("Monitor answered 409 Job already finished", cli.Output, StringComparison.Ordinal);
        Assert.Contains("there is nothing left to cancel", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_job_id_that_is_not_a_guid()
    {
        var cli = new CliRun();

        var exit = await cli.RunAsync("cancel", "42", "--monitor", _monitor.Address.ToString());

        Assert.Equal(2, exit);
        Assert.Contains("'42' is not a job id", cli.Output, StringComparison.Ordinal);
        Assert.Empty(_monitor.Requests);
    }
}
