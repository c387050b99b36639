using System.Text.Json;
using ClayBus.Monitor.Operations;
using ClayBus.Testing;

namespace ClayBus.Cli.Tests.DeadLetters;

/// <summary><c>claybus dlq requeue</c> starting a paced run in a fake Monitor and following it to its end.</summary>
public sealed class DeadLetterRequeueCommandSpecs : IAsyncLifetime
{
    private readonly List<JsonElement> _bodies = [];
    private FakeMonitor _monitor = null!;

    public async Task InitializeAsync()
    {
        _monitor = await FakeMonitor.StartAsync();
        var start = _monitor.StartRequeue;
        _monitor.StartRequeue = body =>
        {
            lock (_bodies)
            {
                _bodies.Add(body.Clone());
            }

            return start(body);
        };
    }

    public async Task DisposeAsync() => await _monitor.DisposeAsync();

    [Theory]
    [InlineData("10/s", 10.0)]
    [InlineData("10", 10.0)]
    [InlineData("600/min", 10.0)]
    [InlineData("0.5/s", 0.5)]
    [InlineData("3600/h", 1.0)]
    public async Task Should_send_the_rate_per_second_with_the_group_and_the_canary(string rate, double perSecond)
    {
        Follow(Running(3), Done(RequeueRunState.Completed, 20, 10));
        var cli = new CliRun();

        var exit = await cli.RunAsync("dlq", "requeue", "deliver-batch_error", "--group", "ab12cd34", "--rate", rate, "--canary", "7", "--canary-wait", "2m", "--monitor", _monitor.Address.ToString());

        Assert.Equal(0, exit);
        var body = Assert.Single(_bodies);
        Assert.Equal("deliver-batch_error", body.GetProperty("queue").GetString());
        Assert.Equal("ab12cd34", body.GetProperty("group").GetString());
        Assert.Equal(perSecond, body.GetProperty("ratePerSecond").GetDouble(), 6);
        Assert.Equal(7, body.GetProperty("canary").GetInt32());
        Assert.Equal(120, body.GetProperty("canaryWaitSeconds").GetInt32());
    }

    [Fact]
    public async Task Should_follow_the_run_and_exit_0_when_it_completes()
    {
        Follow(Running(0), Running(4, kept: 2), Running(9, kept: 5), Done(RequeueRunState.Completed, 20, 10));
        var cli = new CliRun();

        var exit = await cli.RunAsync("dlq", "requeue", "--group", "ab12cd34", "--monitor", _monitor.Address.ToString());

        Assert.Equal(0, exit);
        Assert.Contains("running: 9 moved, 5 kept (pass 1)", cli.Output, StringComparison.Ordinal);
        Assert.Contains("Requeued 20 messages from deliver-batch_error back to deliver-batch; 10 of other groups stay in deliver-batch_error.", cli.Output, StringComparison.Ordinal);
        Assert.False(Assert.Single(_bodies).TryGetProperty("queue", out var queue) && queue.ValueKind == JsonValueKind.String);
    }

    [Fact]
    public async Task Should_exit_6_naming_the_group_when_the_canary_stops_the_run()
    {
        const string reason = "group ab12cd34 grew again: ClayBus.Enricher.ClayRejected: Clay answered 422";
        Follow(Running(3), Done(RequeueRunState.Stopped, 4, 0, reason));
        var cli = new CliRun();

        var exit = await cli.RunAsync("dlq", "requeue", "deliver-batch_error", "--group", "ab12cd34", "--monitor", _monitor.Address.ToString());

        Assert.Equal(6, exit);
        Assert.Contains($"Stopped after 4 moves: {reason}.", cli.Output, StringComparison.Ordinal);
        Assert.Contains("Every message not moved is still in deliver-batch_error.", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_exit_1_when_the_run_fails()
    {
        Follow(Done(RequeueRunState.Failed, 2, 0, "the Monitor shut down during the run"));
        var cli = new CliRun();

        var exit = await cli.RunAsync("dlq", "requeue", "deliver-batch_error", "--monitor", _monitor.Address.ToString());

        Assert.Equal(1, exit);
        Assert.Contains("The requeue run failed after 2 moves: the Monitor shut down during the run", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_stop_following_on_ctrl_c_and_say_the_run_goes_on()
    {
        Follow(Running(1));
        var cli = new CliRun();
        using var ctrlC = new CancellationTokenSource();

        var run = cli.RunAsync(["dlq", "requeue", "deliver-batch_error", "--monitor", _monitor.Address.ToString()], ctrlC.Token);
        await Eventually.Until(() => _monitor.Requests.Count(r => r.StartsWith("GET /dead-letters/requeues/", StringComparison.Ordinal)) >= 2, TimeSpan.FromSeconds(10), "the CLI to poll the run");
        await ctrlC.CancelAsync();
        var exit = await run;

        Assert.Equal(130, exit);
        Assert.Contains($"Stopped following run {RequeueRuns.Id}; it carries on in the Monitor: GET /dead-letters/requeues/{RequeueRuns.Id}", cli.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(_monitor.Requests, r => r.StartsWith("DELETE", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("--rate", "fast", "--rate must be a count per second, minute or hour, e.g. 10/s, 10 or 600/min; got 'fast'")]
    [InlineData("--rate", "10/day", "--rate must be a count per second")]
    [InlineData("--rate", "0/s", "--rate must be between 0.1/s (6/min) and 1000/s; got '0/s'")]
    [InlineData("--rate", "5000/s", "--rate must be between 0.1/s (6/min) and 1000/s; got '5000/s'")]
    [InlineData("--canary-wait", "soon", "--canary-wait must be a duration up to 1 hour")]
    [InlineData("--canary-wait", "2h", "--canary-wait must be a duration up to 1 hour")]
    [InlineData("--canary", "-3", "--canary must be a whole number ≥ 0, got '-3'")]
    [InlineData("--canary", "5000", "--canary must be between 0 and 1000 moves")]
    [InlineData("--all-at-once", "--group=ab12cd34", "--all-at-once moves the whole queue in one run")]
    public async Task Should_refuse_a_bad_option_before_any_request(string option, string value, string message)
    {
        var cli = new CliRun();

        var exit = await cli.RunAsync("dlq", "requeue", "deliver-batch_error", option, value, "--monitor", _monitor.Address.ToString());

        Assert.Equal(2, exit);
        Assert.Contains(message, cli.Output, StringComparison.Ordinal);
        Assert.Empty(_monitor.Requests);
    }

    [Fact]
    public async Task Should_need_a_queue_or_a_group()
    {
        var cli = new CliRun();

        var exit = await cli.RunAsync("dlq", "requeue", "--rate", "5/s", "--monitor", _monitor.Address.ToString());

        Assert.Equal(2, exit);
        Assert.Contains("give a dead-letter queue, a --group, or both", cli.Output, StringComparison.Ordinal);
        Assert.Empty(_monitor.Requests);
    }

    [Fact]
    public async Task Should_document_the_exit_codes_in_its_help()
    {
        var cli = new CliRun();

        var exit = await cli.RunAsync("help", "dlq", "requeue");

        Assert.Equal(0, exit);
        Assert.Contains("Exit codes: 0 completed, 6 stopped because the group failed again, 1 failed", cli.Output, StringComparison.Ordinal);
        Assert.Contains("Ctrl-C stops following only: the run carries on in the Monitor", cli.Output, StringComparison.Ordinal);
    }

    private void Follow(params RequeueRunStatus[] states)
    {
        foreach (var state in states)
        {
            _monitor.RequeueStates.Enqueue(state);
        }
    }

    private static RequeueRunStatus Running(long moved, long kept = 0) => RequeueRuns.Status("deliver-batch_error", RequeueRunState.Running, moved, kept);

    private static RequeueRunStatus Done(RequeueRunState state, long moved, long kept, string? reason = null) =>
        RequeueRuns.Status("deliver-batch_error", state, moved, kept, reason);
}
