using ClayBus.Monitor.Operations;
using ClayBus.Monitor.Status;
using Microsoft.AspNetCore.Http;

namespace ClayBus.Cli.Tests.DeadLetters;

public sealed class DeadLetterCommandSpecs : FakeMonitorSpecs
{
    [Fact]
    public async Task Should_list_each_error_queue_with_its_depth_and_the_failures_grouped_by_reason()
    {
        var at = new DateTimeOffset(2026, 11, 23, 12, 30, 0, TimeSpan.Zero);
        var poison = DeadLetterGrouping.Group("deliver-batch_error", [.. Enumerable.Repeat(Fault("System.Text.Json.JsonException", "The batch's rows are not valid JSON."), 7), .. Enumerable.Repeat(Fault("ClayBus.Enricher.WebhookRejected", "Clay answered 400 for the webhook"), 2)]);
        var timeouts = DeadLetterGrouping.Group("row-enriched_error", [Fault("System.TimeoutException", "Redis timeout")]);
        Monitor.DeadLetters = new DeadLetterReport(
            true,
            10,
            [new DeadLetterQueue("deliver-batch_error", "deliver-batch", 9), new DeadLetterQueue("job-submitted_error", "job-submitted", 0), new DeadLetterQueue("row-enriched_error", "row-enriched", 1)],
            [.. poison, .. timeouts]);
        var cli = new CliRun();

        var exit = await cli.RunAsync("dlq", "list", "--monitor", MonitorAddress);

        Assert.Equal(0, exit);
        Assert.Contains("10 dead-lettered messages in 2 of 3 _error queues", cli.Output, StringComparison.Ordinal);
        Assert.Contains(cli.Lines, line => line.Contains("deliver-batch_error", StringComparison.Ordinal) && line.Contains("deliver-batch ", StringComparison.Ordinal) && line.Contains(" 9 ", StringComparison.Ordinal));
        Assert.DoesNotContain("job-submitted_error", cli.Output, StringComparison.Ordinal);
        var reasons = cli.Lines.Where(line => line.Contains("Exception: ", StringComparison.Ordinal) || line.Contains("WebhookRejected", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, reasons.Count);
        Assert.Contains("System.Text.Json.JsonException: The batch's rows are not valid JSON.", reasons[0], StringComparison.Ordinal);
        Assert.Matches(@"│\s+7 │", reasons[0]);
        Assert.Contains(poison[0].Id, reasons[0], StringComparison.Ordinal);
        Assert.Matches(@"│\s+2 │", reasons[1]);
        Assert.Contains("System.TimeoutException: Redis timeout", reasons[2], StringComparison.Ordinal);
        Assert.Contains("claybus dlq requeue deliver-batch_error", cli.Output, StringComparison.Ordinal);

        static Dictionary<string, string> Fault(string type, string message) => new()
        {
            ["MT-Fault-ExceptionType"] = type,
            ["MT-Fault-Message"] = message,
            ["MT-Fault-Timestamp"] = "2026-11-23T12:30:00Z",
        };
    }

    [Fact]
    public async Task Should_say_so_when_there_are_no_dead_letters()
    {
        Monitor.DeadLetters = new DeadLetterReport(true, 0, [new DeadLetterQueue("deliver-batch_error", "deliver-batch", 0)], []);
        var cli = new CliRun();

        var exit = await cli.RunAsync("dlq", "list", "--monitor", MonitorAddress);

        Assert.Equal(0, exit);
        Assert.Contains("No dead letters (1 _error queues, all empty).", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_fail_when_theMonitor_cannot_read_the_management_api()
    {
        Monitor.DeadLetters = new DeadLetterReport(false, 0, [], [], "the RabbitMQ management API could not be read: Connection refused (localhost:15672)");
        var cli = new CliRun();

        var exit = await cli.RunAsync("dlq", "list", "--monitor", MonitorAddress);

        Assert.Equal(1, exit);
        Assert.Contains("The Monitor could not read the dead-letter queues: the RabbitMQ management API could not be read: Connection refused (localhost:15672)", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_requeue_a_queue_and_say_how_many_messages_moved()
    {
        Monitor.Requeue = queue => TypedResults.Ok(new RequeueResult(queue, "deliver-batch", 9, true, "claybus-requeue-deliver-batch_error"));
        var cli = new CliRun();

        var exit = await cli.RunAsync("dlq", "requeue", "deliver-batch_error", "--all-at-once", "--monitor", MonitorAddress);

        Assert.Equal(0, exit);
        Assert.Contains("POST /dead-letters/deliver-batch_error/requeue", Monitor.Requests);
        Assert.Contains("Requeued 9 messages from deliver-batch_error back to deliver-batch.", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_say_the_move_goes_on_when_theMonitor_answers_before_the_run_is_done()
    {
        Monitor.Requeue = queue => TypedResults.Accepted("/status/dead-letters", new RequeueResult(queue, "deliver-batch", 1_200, false, "claybus-requeue-deliver-batch_error"));
        var cli = new CliRun();

        var exit = await cli.RunAsync("dlq", "requeue", "deliver-batch_error", "--all-at-once", "--monitor", MonitorAddress);

        Assert.Equal(0, exit);
        Assert.Contains("Still moving deliver-batch_error back to deliver-batch: 1,200 messages so far; the move claybus-requeue-deliver-batch_error carries on.", cli.Output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(StatusCodes.Status403Forbidden, "Forbidden", "The key 'crm-sync' has the roles submit, read; requeue needs operate.", "lacks the role")]
    [InlineData(StatusCodes.Status401Unauthorized, "Unauthorized", "Send a valid API key in the X-Api-Key header.", "set $CLAYBUS_API_KEY")]
    [InlineData(StatusCodes.Status404NotFound, "Not Found", "There is no queue 'nothing_error' on the broker.", null)]
    public async Task Should_show_the_servers_problem_details_when_the_requeue_is_refused(int status, string title, string detail, string? hint)
    {
        Monitor.StartRequeue = _ => TypedResults.Problem(detail, statusCode: status, title: title);
        var cli = new CliRun(new Dictionary<string, string?> { ["CLAYBUS_API_KEY"] = "test-only-read-key-0815" });

        var exit = await cli.RunAsync("dlq", "requeue", "nothing_error", "--monitor", MonitorAddress);

        Assert.Equal(1, exit);
        Assert.Contains($"Monitor answered {status} {title}", cli.Output, StringComparison.Ordinal);
        Assert.Contains(detail, cli.Output, StringComparison.Ordinal);
        if (hint is not null)
        {
            Assert.Contains(hint, cli.Output, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("0815", cli.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_queue_that_is_not_a_dead_letter_queue()
    {
        var cli = new CliRun();

        var exit = await cli.RunAsync("dlq", "requeue", "deliver-batch", "--monitor", MonitorAddress);

        Assert.Equal(2, exit);
        Assert.Contains("'deliver-batch' is not a dead-letter queue: those end in _error, e.g. deliver-batch_error", cli.Output, StringComparison.Ordinal);
        Assert.Empty(Monitor.Requests);
    }
}
