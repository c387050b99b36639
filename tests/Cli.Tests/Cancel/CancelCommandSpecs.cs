using ClayBus.Monitor.Operations;
using Microsoft.AspNetCore.Http;

namespace ClayBus.Cli.Tests.Cancel;

public sealed class CancelCommandSpecs : FakeMonitorSpecs
{
    [Fact]
    public async Task Should_ask_theMonitor_to_cancel_the_job_with_the_reason()
    {
        var jobId = Guid.NewGuid();
        string? reasonSent = null;
        Monitor.Cancel = (id, reason) =>
        {
            reasonSent = reason;
            return TypedResults.Accepted($"/status/jobs/{id}", new CancelRequested(id, "Delivering", "ops-oncall", reason, DateTimeOffset.UtcNow));
        };
        var cli = new CliRun();

        var exit = await cli.RunAsync("cancel", jobId.ToString(), "--reason", "wrong lead list", "--monitor", MonitorAddress);

        Assert.Equal(0, exit);
        Assert.Contains($"POST /jobs/{jobId}/cancel", Monitor.Requests);
        Assert.Equal("wrong lead list", reasonSent);
        Assert.Contains($"Cancel of job {jobId} requested (it was Delivering; by ops-oncall, reason: wrong lead list).", cli.Output, StringComparison.Ordinal);
        Assert.Contains($"claybus status {jobId} --until-done", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_show_why_theMonitor_refused()
    {
        Monitor.Cancel = (id, _) => TypedResults.Problem($"Job {id} already completed; there is nothing left to cancel.", statusCode: StatusCodes.Status409Conflict, title: "Job already finished");
        var cli = new CliRun();

        var exit = await cli.RunAsync("cancel", Guid.NewGuid().ToString(), "--monitor", MonitorAddress);

        Assert.Equal(1, exit);
        Assert.Contains("Monitor answered 409 Job already finished", cli.Output, StringComparison.Ordinal);
        Assert.Contains("there is nothing left to cancel", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_job_id_that_is_not_a_guid()
    {
        var cli = new CliRun();

        var exit = await cli.RunAsync("cancel", "42", "--monitor", MonitorAddress);

        Assert.Equal(2, exit);
        Assert.Contains("'42' is not a job id", cli.Output, StringComparison.Ordinal);
        Assert.Empty(Monitor.Requests);
    }
}
