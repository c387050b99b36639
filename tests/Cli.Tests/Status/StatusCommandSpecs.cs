namespace ClayBus.Cli.Tests.Status;

public sealed class StatusCommandSpecs : IAsyncLifetime
{
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
