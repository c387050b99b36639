using ClayBus.Testing;

namespace ClayBus.Cli.Tests.Status;

/// <summary><c>claybus status &lt;job&gt; --watch</c> and <c>--until-done</c>: following one job to its end.</summary>
public sealed class StatusWatchSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private FakeMonitor _monitor = null!;

    public async Task InitializeAsync() => _monitor = await FakeMonitor.StartAsync();

    public async Task DisposeAsync() => await _monitor.DisposeAsync();

    [Fact]
    public async Task When_the_job_completes_until_done_should_print_the_summary_and_exit_0()
    {
        var jobId = Guid.NewGuid();
        _monitor.Put(Jobs.Of(jobId, "delivering", delivered: 100, enriched: 50));
        var cli = new CliRun();

        var run = cli.RunAsync("status", jobId.ToString(), "--watch", "--until-done", "--monitor", _monitor.Address.ToString());
        await Eventually.Until(() => cli.Output.Contains("delivering: delivered 100/500", StringComparison.Ordinal), Deadline, "the first progress line");
        Assert.False(run.IsCompleted, "--until-done returned before the job ended");
        _monitor.Put(Jobs.Of(jobId, "completed", delivered: 500, enriched: 500));
        var exit = await run.WaitAsync(Deadline);

        Assert.Equal(0, exit);
        Assert.Contains($"Job {jobId} completed: 500 of 500 rows enriched, 0 failed, 0 dead-lettered; 3,000 credits spent.", cli.Output, StringComparison.Ordinal);
        Assert.Contains(cli.Lines, line => line.Contains("outbound-leads-tech", StringComparison.Ordinal) && line.Contains("300/300", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("completedWithFailures", 5, "completed with failures")]
    [InlineData("cancelled", 4, "cancelled")]
    [InlineData("stuck", 3, "stuck: 100 of 500 rows enriched")]
    public async Task Should_exit_with_the_code_of_the_phase_the_job_ends_in(string phase, int expected, string summary)
    {
        var jobId = Guid.NewGuid();
        _monitor.Put(Jobs.Of(jobId, "delivering", delivered: 100));
        var cli = new CliRun();

        var run = cli.RunAsync("status", jobId.ToString(), "--until-done", "--monitor", _monitor.Address.ToString());
        await Eventually.Until(() => cli.Output.Contains("delivered 100/500", StringComparison.Ordinal), Deadline, "the first progress line");
        _monitor.Put(Jobs.Of(jobId, phase, delivered: 200, enriched: 100, error: phase == "completedWithFailures" ? 5 : 0, likelyCause: phase == "stuck" ? "callback column misconfigured" : null));
        var exit = await run.WaitAsync(Deadline);

        Assert.Equal(expected, exit);
        Assert.Contains($"Job {jobId} {summary}", cli.Output, StringComparison.Ordinal);
        if (phase == "stuck")
        {
            Assert.Contains("Likely cause: callback column misconfigured", cli.Output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Should_print_one_plain_line_per_change_when_stdout_is_not_a_terminal()
    {
        var jobId = Guid.NewGuid();
        _monitor.Put(Jobs.Of(jobId, "delivering", delivered: 100));
        var cli = new CliRun();
        using var ctrlC = new CancellationTokenSource();

        var run = cli.RunAsync(["status", jobId.ToString(), "--watch", "--monitor", _monitor.Address.ToString()], ctrlC.Token);
        // Several refreshes with the same figures…
        await Eventually.Until(() => _monitor.Requests.Count(request => request.Contains(jobId.ToString(), StringComparison.Ordinal)) >= 5, Deadline, "five refreshes");
        _monitor.Put(Jobs.Of(jobId, "delivering", delivered: 250, enriched: 20));
        await Eventually.Until(() => cli.Output.Contains("delivered 250/500", StringComparison.Ordinal), Deadline, "the line after the change");
        await ctrlC.CancelAsync();
        var exit = await run.WaitAsync(Deadline);

        Assert.Equal(0, exit);
        var progress = cli.Lines.Where(line => line.Contains($"job {jobId} delivering:", StringComparison.Ordinal)).ToList();
        // …give one line, and the change one more: a CI log is not flooded with repeats.
        Assert.Equal(2, progress.Count);
        Assert.Matches(@"^\d\d:\d\d:\d\d job .* delivering: delivered 100/500 \(20%\), finished 0/500 \(0%\): enriched 0, failed 0, dead-lettered 0; credits 0; budget 1,500/5,000 today \(ok\)$", progress[0]);
        Assert.Contains("delivered 250/500 (50%), finished 20/500 (4%): enriched 20", progress[1], StringComparison.Ordinal);
        Assert.DoesNotContain("─", cli.Output, StringComparison.Ordinal);
        Assert.Contains("Stopped watching; the job goes on", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_redraw_in_place_on_a_terminal_and_leave_the_last_frame_with_the_outcome()
    {
        var jobId = Guid.NewGuid();
        _monitor.Put(Jobs.Of(jobId, "enriching", delivered: 500, enriched: 100));
        var cli = new CliRun(live: true);

        var run = cli.RunAsync("status", jobId.ToString(), "--until-done", "--monitor", _monitor.Address.ToString());
        await Eventually.Until(() => _monitor.Requests.Count(request => request.Contains(jobId.ToString(), StringComparison.Ordinal)) >= 3, Deadline, "three refreshes");
        _monitor.Put(Jobs.Of(jobId, "completedWithFailures", delivered: 500, enriched: 480, deadLettered: 20));
        var exit = await run.WaitAsync(Deadline);

        Assert.Equal(5, exit);
        Assert.DoesNotContain($"job {jobId} enriching:", cli.Output, StringComparison.Ordinal);
        // The last frame shows the final figures, not the ones before them.
        Assert.Contains(cli.Lines, line => line.Contains("all tables", StringComparison.Ordinal) && line.Contains("2,880 / ~3,000", StringComparison.Ordinal));
        Assert.Contains("20 dead-lettered; 2,880 credits spent. See them with 'claybus dlq list'.", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_ride_out_a_short_monitor_outage_while_watching()
    {
        var jobId = Guid.NewGuid();
        _monitor.Put(Jobs.Of(jobId, "delivering", delivered: 100));
        var cli = new CliRun();

        var run = cli.RunAsync("status", jobId.ToString(), "--until-done", "--monitor", _monitor.Address.ToString());
        await Eventually.Until(() => cli.Output.Contains("delivered 100/500", StringComparison.Ordinal), Deadline, "the first progress line");
        _monitor.Down = true;
        await Eventually.Until(() => cli.Output.Contains("[the Monitor is not answering since", StringComparison.Ordinal), Deadline, "the outage notice");
        _monitor.Put(Jobs.Of(jobId, "completed", delivered: 500, enriched: 500));
        _monitor.Down = false;
        var exit = await run.WaitAsync(Deadline);

        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task Should_give_up_when_the_monitor_stays_down_longer_than_the_outage_limit()
    {
        var jobId = Guid.NewGuid();
        _monitor.Put(Jobs.Of(jobId, "delivering", delivered: 100));
        var cli = new CliRun();

        var run = cli.RunAsync("status", jobId.ToString(), "--until-done", "--monitor", _monitor.Address.ToString());
        await Eventually.Until(() => cli.Output.Contains("delivered 100/500", StringComparison.Ordinal), Deadline, "the first progress line");
        _monitor.Down = true;
        var exit = await run.WaitAsync(Deadline);

        Assert.Equal(1, exit);
        Assert.Contains("Monitor answered 503", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_wait_for_a_job_the_monitor_has_not_seen_yet_when_watching()
    {
        var jobId = Guid.NewGuid();
        var cli = new CliRun();

        var run = cli.RunAsync("status", jobId.ToString(), "--until-done", "--monitor", _monitor.Address.ToString());
        await Eventually.Until(() => cli.Output.Contains($"for the Monitor to see job {jobId}", StringComparison.Ordinal), Deadline, "the waiting notice");
        _monitor.Put(Jobs.Of(jobId, "completed", delivered: 500, enriched: 500));
        var exit = await run.WaitAsync(Deadline);

        Assert.Equal(0, exit);
    }
}
