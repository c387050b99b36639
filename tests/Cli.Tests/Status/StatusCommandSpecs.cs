using ClayBus.Testing;

namespace ClayBus.Cli.Tests.Status;

public sealed class StatusCommandSpecs : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);
    private FakeMonitor _monitor = null!;

    public async Task InitializeAsync() => _monitor = await FakeMonitor.StartAsync();

    public async Task DisposeAsync() => await _monitor.DisposeAsync();

    [Fact]
    public async Task Should_list_the_newest_jobs_with_todays_budget_and_forecast()
    {
        var delivering = Guid.NewGuid();
        var done = Guid.NewGuid();
        _monitor.Put(Jobs.Of(delivering, "delivering", delivered: 200, enriched: 100));
        _monitor.Put(Jobs.Of(done, "completed", delivered: 500, enriched: 500));
        var cli = new CliRun();

        var exit = await cli.RunAsync("status", "--monitor", _monitor.Address.ToString());

        Assert.Equal(0, exit);
        Assert.Contains(cli.Lines, line => line.Contains(delivering.ToString(), StringComparison.Ordinal) && line.Contains("delivering", StringComparison.Ordinal) && line.Contains("100/500", StringComparison.Ordinal));
        Assert.Contains(cli.Lines, line => line.Contains(done.ToString(), StringComparison.Ordinal) && line.Contains("completed", StringComparison.Ordinal) && line.Contains("500/500", StringComparison.Ordinal) && line.Contains("3,000", StringComparison.Ordinal));
        Assert.Contains("1,200 spent + 300 reserved of 5,000, 3,500 left", cli.Output, StringComparison.Ordinal);
        Assert.Contains("Forecast: 900 credits/h, limit reached at", cli.Output, StringComparison.Ordinal);
        Assert.Contains("GET /status/jobs", _monitor.Requests);
    }

    [Fact]
    public async Task Should_say_not_today_once_nothing_burns()
    {
        _monitor.Budget = Budgets.Ok(perHour: 0m);
        var cli = new CliRun();

        var exit = await cli.RunAsync("status", "--monitor", _monitor.Address.ToString());

        Assert.Equal(0, exit);
        Assert.Contains("Forecast: 0 credits/h, limit reached: not today (1,500 of 5,000 by the reset at", cli.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("limit reached at", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_print_both_forecasts_as_the_monitor_words_them_for_the_dashboard()
    {
        _monitor.Budget = Budgets.Ok(perHour: 900m, actionsLimit: 2_000);
        var cli = new CliRun();

        var exit = await cli.RunAsync("status", "--monitor", _monitor.Address.ToString());

        // The dashboard prints forecast.text and actionsForecast.text as they are: the same sentences, to the character.
        Assert.Equal(0, exit);
        Assert.Contains(_monitor.Budget.Forecast.Text!, cli.Output, StringComparison.Ordinal);
        Assert.Contains(_monitor.Budget.ActionsForecast!.Text!, cli.Output, StringComparison.Ordinal);
        Assert.Contains("Actions forecast: 90 Actions/h, limit reached: not today (1,580 of 2,000 by the reset at tomorrow 00:00 UTC)", cli.Output, StringComparison.Ordinal);
        Assert.Contains("Forecast: 900 credits/h, limit reached at 15:53 UTC, before the reset (tomorrow 00:00 UTC): deliveries will pause", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_follow_the_monitors_pages_up_to_the_limit()
    {
        var jobs = Enumerable.Range(0, 7).Select(_ => Guid.NewGuid()).ToList();
        foreach (var job in jobs)
        {
            _monitor.Put(Jobs.Of(job, "stuck", delivered: 10, enriched: 5));
        }

        _monitor.PageSize = 2;
        var cli = new CliRun();

        var exit = await cli.RunAsync("status", "--limit", "5", "--monitor", _monitor.Address.ToString());

        Assert.Equal(0, exit);
        Assert.Equal(5, jobs.Count(job => cli.Output.Contains(job.ToString(), StringComparison.Ordinal)));
        Assert.Contains("GET /status/jobs?cursor=2", _monitor.Requests);
        Assert.Contains("GET /status/jobs?cursor=4", _monitor.Requests);
        Assert.DoesNotContain("GET /status/jobs?cursor=6", _monitor.Requests);
    }

    [Fact]
    public async Task Should_pass_the_state_filter_to_the_monitor()
    {
        var cli = new CliRun();

        var exit = await cli.RunAsync("status", "--state", "stuck", "--monitor", _monitor.Address.ToString());

        Assert.Equal(0, exit);
        Assert.Contains("GET /status/jobs?state=stuck", _monitor.Requests);
        Assert.Contains("No jobs yet", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_show_one_jobs_progress_per_table_and_its_credits_against_the_budget()
    {
        var jobId = Guid.NewGuid();
        _monitor.Put(Jobs.Of(jobId, "enriching", delivered: 500, enriched: 400, error: 50));
        var cli = new CliRun();

        var exit = await cli.RunAsync("status", jobId.ToString(), "--monitor", _monitor.Address.ToString());

        Assert.Equal(0, exit);
        Assert.Contains($"Job {jobId} · delivered, waiting for Clay's callbacks", cli.Output, StringComparison.Ordinal);
        Assert.Contains("500 rows accepted · submitted by crm-sync · last progress", cli.Output, StringComparison.Ordinal);
        // Per table: delivered out of accepted, then finished (enriched + failed) out of accepted.
        Assert.Contains(cli.Lines, line => line.Contains("outbound-leads-tech", StringComparison.Ordinal) && line.Contains("300/300", StringComparison.Ordinal) && line.Contains("270/300", StringComparison.Ordinal) && line.Contains("1,440 / ~1,800", StringComparison.Ordinal));
        Assert.Contains(cli.Lines, line => line.Contains("inbound-leads", StringComparison.Ordinal) && line.Contains("200/200", StringComparison.Ordinal) && line.Contains("180/200", StringComparison.Ordinal));
        Assert.Contains(cli.Lines, line => line.Contains("all tables", StringComparison.Ordinal) && line.Contains("450/500", StringComparison.Ordinal));
        Assert.Contains("Credits for this job: 2,400 spent of ~3,000 estimated", cli.Output, StringComparison.Ordinal);
        Assert.Contains("Credits today (2026-11-23):", cli.Output, StringComparison.Ordinal);
        Assert.Contains("1,200 spent + 300 reserved of 5,000, 3,500 left", cli.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(100)]
    public async Task Should_fit_a_narrow_terminal_by_dropping_columns_before_wrapping(int width)
    {
        var jobId = Guid.NewGuid();
        _monitor.Put(Jobs.Of(jobId, "delivering", delivered: 200, enriched: 150));
        var cli = new CliRun(width: width);

        Assert.Equal(0, await cli.RunAsync("status", jobId.ToString(), "--monitor", _monitor.Address.ToString()));
        Assert.Equal(0, await cli.RunAsync("status", "--monitor", _monitor.Address.ToString()));

        var tableLines = cli.Lines.Where(line => line.Contains(jobId.ToString(), StringComparison.Ordinal) || line.Contains("outbound-leads-tech", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, tableLines.Count);
        Assert.All(tableLines, line => Assert.True(line.Length <= width, $"{line.Length} > {width}: {line}"));
        Assert.Contains(tableLines, line => line.Contains("120/300", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Should_still_show_the_job_when_the_budget_is_unknown()
    {
        var jobId = Guid.NewGuid();
        _monitor.Put(Jobs.Of(jobId, "delivering", delivered: 100));
        _monitor.Budget = Budgets.Unknown();
        var cli = new CliRun();

        var exit = await cli.RunAsync("status", jobId.ToString(), "--monitor", _monitor.Address.ToString());

        Assert.Equal(0, exit);
        Assert.Contains("Budget: unknown", cli.Output, StringComparison.Ordinal);
    }

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

    [Fact]
    public async Task Should_say_the_monitor_does_not_know_the_job()
    {
        var jobId = Guid.NewGuid();
        var cli = new CliRun();

        var exit = await cli.RunAsync("status", jobId.ToString(), "--monitor", _monitor.Address.ToString());

        Assert.Equal(1, exit);
        Assert.Contains($"does not know job {jobId}", cli.Output, StringComparison.Ordinal);
        Assert.Contains("claybus status lists the newest jobs", cli.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("'not-a-job' is not a job id: a job id is a GUID", "not-a-job")]
    [InlineData("--until-done waits for one job: give its id", "--until-done")]
    [InlineData("Unrecognized command or argument '--frobnicate'", "--frobnicate", "x")]
    [InlineData("--state needs a value", "--state", "--watch")]
    public async Task Should_explain_a_wrong_command_line_with_exit_code_2(string message, params string[] arguments)
    {
        var cli = new CliRun();

        var exit = await cli.RunAsync(["status", .. arguments, "--monitor", _monitor.Address.ToString()]);

        Assert.Equal(2, exit);
        Assert.Contains(message, cli.Output, StringComparison.Ordinal);
        Assert.Contains("claybus status [<job-id>] [options]", cli.Output, StringComparison.Ordinal);
        Assert.Empty(_monitor.Requests);
    }
}
