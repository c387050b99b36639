using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.Monitor.Operations;
using ClayBus.Monitor.Status;
using ClayBus.Monitor.Tests.Status;
using ClayBus.Testing;
using ClayBus.Testing.Security;
using Microsoft.Extensions.DependencyInjection;

namespace ClayBus.Monitor.Tests.Operations;

/// <summary>
/// Paced requeue runs against the real broker and Redis: the Monitor moves dead letters back over AMQP, one failure
/// group only, at a bounded rate, and stops when the group it moves fails again. The test owns both queues through its
/// own AMQP connection (<see cref="RawBroker"/>) and checks them exactly, message by message.
/// </summary>
[Trait("Category", "Integration")]
public sealed class RequeueRunSpecs(MonitorFixture monitor) : IClassFixture<MonitorFixture>, IAsyncLifetime
{
    private const string Rejected = "ClayBus.Enricher.ClayRejected";
    private const string Timeout = "System.TimeoutException";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private RawBroker _broker = null!;

    public async Task InitializeAsync() => _broker = await RawBroker.ConnectAsync(monitor);

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Should_move_exactly_the_groups_messages_and_leave_the_others_in_order()
    {
        var (source, errors) = await Queues("group-spec");
        var a = Letters("a", 20, Rejected, "Clay answered 422 for the webhook");
        var b = Letters("b", 10, Timeout, "Redis timeout");
        await _broker.DeadLetterAsync(errors, Interleave(a, b));
        var group = await KnownGroup(errors, Rejected, "Clay answered 422 for the webhook");
        await using var consumer = await _broker.ConsumeAsync(source);

        var run = await Finished(await Start(new { group, ratePerSecond = 1000, canary = 0 }));
        await Eventually.Until(() => consumer.Received.Count >= 20, Deadline, "20 messages on the source queue");

        Assert.Equal("completed", run.GetProperty("state").GetString());
        Assert.Equal(errors, run.GetProperty("queue").GetString());
        Assert.Equal(20, run.GetProperty("moved").GetInt64());
        Assert.Equal(10, run.GetProperty("kept").GetInt64());
        Assert.Equal(a.Select(l => l.Body).Order(), consumer.Received.Select(r => r.Body).Order());
        Assert.Equal(b.Select(l => l.Body), await _broker.DrainAsync(errors));
        var entry = Assert.Single(await Audit(errors));
        Assert.Equal("operate-key", entry.GetProperty("who").GetString());
        Assert.Equal(30, entry.GetProperty("before").GetProperty("messages").GetInt64());
        Assert.Equal("succeeded", entry.GetProperty("state").GetString());
        Assert.Contains("ended completed", entry.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(20, entry.GetProperty("after").GetProperty("moved").GetInt64());
    }

    [Fact]
    public async Task Should_not_move_faster_than_the_rate()
    {
        var (source, errors) = await Queues("rate-spec");
        var letters = Letters("r", 30, Rejected, "Clay answered 422");
        await _broker.DeadLetterAsync(errors, letters);
        await using var consumer = await _broker.ConsumeAsync(source);

        var run = await Finished(await Start(new { queue = errors, ratePerSecond = 10, canary = 0 }));
        await Eventually.Until(() => consumer.Received.Count >= 30, Deadline, "30 messages on the source queue");

        var received = consumer.Received.ToList();
        Assert.Equal("completed", run.GetProperty("state").GetString());
        Assert.Equal(30, run.GetProperty("moved").GetInt64());
        Assert.Equal(letters.Select(l => l.Body).Order(), received.Select(r => r.Body).Order());
        // A lower bound only: a slow machine can stretch the run but never shorten it. 29 gaps of 100 ms, less jitter.
        Assert.True(received[^1].At - received[0].At >= TimeSpan.FromSeconds(2.7), $"30 moves at 10/s took {(received[^1].At - received[0].At).TotalSeconds:F2} s from first to last");
        Assert.Equal(0u, await _broker.ReadyAsync(errors));
    }

    [Fact]
    public async Task Should_stop_when_the_group_fails_again_and_keep_every_message()
    {
        var (source, errors) = await Queues("canary-spec");
        var a = Letters("c", 20, Rejected, "Clay answered 422 for the webhook");
        var b = Letters("d", 5, Timeout, "Redis timeout");
        await _broker.DeadLetterAsync(errors, [.. a, .. b]);
        var group = await KnownGroup(errors, Rejected, "Clay answered 422 for the webhook");
        await using var failing = await _broker.FailAgainAsync(source, errors);
        const int canary = 3;

        var run = await Finished(await Start(new { queue = errors, group, ratePerSecond = 5, canary, canaryWaitSeconds = 5 }));

        Assert.Equal("stopped", run.GetProperty("state").GetString());
        Assert.Contains($"group {group} grew again: {Rejected}: Clay answered 422 for the webhook", run.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var moved = run.GetProperty("moved").GetInt64();
        // The canary pause catches it after 3 moves; a check a second apart at 5/s allows a few more before it.
        Assert.InRange(moved, 1, canary + 5);
        await Eventually.Until(async () => await _broker.ReadyAsync(errors) == 25, Deadline, "all 25 messages back in the dead-letter queue");
        Assert.Equal(0u, await _broker.ReadyAsync(source));
        Assert.Equal(moved, failing.Received.Count);
        Assert.Equal(a.Concat(b).Select(l => l.Body).Order(), (await _broker.DrainAsync(errors)).Order());
    }

    [Fact]
    public async Task Should_stop_a_whole_queue_run_between_canary_pauses_when_a_moved_group_fails_again()
    {
        var (source, errors) = await Queues("check-spec");
        var letters = Letters("e", 30, Rejected, "Clay answered 422");
        await _broker.DeadLetterAsync(errors, letters);
        await using var failing = await _broker.FailAgainAsync(source, errors);

        var run = await Finished(await Start(new { queue = errors, ratePerSecond = 5, canary = 0 }));

        Assert.Equal("stopped", run.GetProperty("state").GetString());
        Assert.Contains($"group {DeadLetterGrouping.GroupId(errors, Rejected, "Clay answered 422")} grew again", run.GetProperty("reason").GetString(), StringComparison.Ordinal);
        // No pause: the check about once a second catches it, at 5/s within a few moves.
        Assert.InRange(run.GetProperty("moved").GetInt64(), 1, 12);
        await Eventually.Until(async () => await _broker.ReadyAsync(errors) == 30, Deadline, "all 30 messages back in the dead-letter queue");
        Assert.Equal(letters.Select(l => l.Body).Order(), (await _broker.DrainAsync(errors)).Order());
    }

    [Fact]
    public async Task Should_carry_on_when_the_failures_that_arrive_are_of_another_group()
    {
        var (source, errors) = await Queues("other-spec");
        var letters = Letters("o", 12, Rejected, "Clay answered 422");
        await _broker.DeadLetterAsync(errors, letters);
        await using var failing = await _broker.FailAgainAsync(source, errors, otherFault: Timeout);
        var group = await KnownGroup(errors, Rejected, "Clay answered 422");

        var run = await Finished(await Start(new { group, ratePerSecond = 20, canary = 2, canaryWaitSeconds = 1 }));

        Assert.Equal("completed", run.GetProperty("state").GetString());
        Assert.Equal(12, run.GetProperty("moved").GetInt64());
        Assert.True(run.GetProperty("passes").GetInt32() >= 2, $"passes: {run.GetProperty("passes")}");
        await Eventually.Until(async () => await _broker.ReadyAsync(errors) == 12, Deadline, "the 12 new failures in the dead-letter queue");
        Assert.Equal(letters.Select(l => l.Body).Order(), (await _broker.DrainAsync(errors)).Order());
    }

    [Theory]
    [InlineData("{}", "queue")]
    [InlineData("""{"queue": "deliver-batch"}""", "queue")]
    [InlineData("""{"queue": "x_error", "group": "not-hex!"}""", "group")]
    [InlineData("""{"queue": "x_error", "ratePerSecond": 0}""", "ratePerSecond")]
    [InlineData("""{"queue": "x_error", "ratePerSecond": 5000}""", "ratePerSecond")]
    [InlineData("""{"queue": "x_error", "canary": -1}""", "canary")]
    [InlineData("""{"queue": "x_error", "canaryWaitSeconds": 7200}""", "canaryWaitSeconds")]
    public async Task Should_refuse_a_bad_request_naming_the_field(string body, string field)
    {
        using var response = await Post(body);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"no error for {field}: {problem}");
        Assert.NotEmpty(messages.EnumerateArray().Single().GetString()!);
    }

    [Fact]
    public async Task Should_refuse_an_unknown_queue_or_group_a_missing_source_and_a_second_run()
    {
        var (_, errors) = await Queues("conflict-spec");
        await _broker.DeclareAsync("orphan-spec_error");
        await _broker.DeadLetterAsync(errors, Letters("s", 3, Rejected, "slow"));

        using var unknownQueue = await Post("""{"queue": "nothing-spec_error"}""");
        using var unknownGroup = await Post("""{"group": "00000000"}""");
        using var orphan = await Post("""{"queue": "orphan-spec_error"}""");
        var first = await Start(new { queue = errors, ratePerSecond = 0.5, canary = 0 });
        using var second = await Post(JsonSerializer.Serialize(new { queue = errors }));
        using var unknownRun = await monitor.Client.GetAsync(new Uri($"dead-letters/requeues/{Guid.NewGuid()}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, unknownQueue.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownGroup.StatusCode);
        Assert.Contains("00000000", await unknownGroup.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, orphan.StatusCode);
        Assert.Contains("orphan-spec", await orphan.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(first.GetProperty("runId").GetString(), (await second.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("runId").GetString());
        Assert.Equal(HttpStatusCode.NotFound, unknownRun.StatusCode);
    }

    [Fact]
    public async Task Should_report_a_run_whose_monitor_stopped_heartbeating_as_failed()
    {
        var at = DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5);
        var abandoned = new RequeueRunStatus(
            Guid.NewGuid(), "gone-spec_error", "gone-spec", null, 10, 5, 30, RequeueRunState.Running, 7, 0, 1, null, "operate-key", at, null, at);
        await monitor.Services.GetRequiredService<RequeueRunStore>().SaveAsync(abandoned);

        var run = await monitor.Client.GetFromJsonAsync<JsonElement>($"dead-letters/requeues/{abandoned.RunId}");

        Assert.Equal("failed", run.GetProperty("state").GetString());
        Assert.Equal(7, run.GetProperty("moved").GetInt64());
        Assert.Contains("the Monitor running it stopped answering", run.GetProperty("reason").GetString(), StringComparison.Ordinal);
    }

    private async Task<(string Source, string Errors)> Queues(string name)
    {
        await _broker.DeclareAsync(name, name + "_error");
        return (name, name + "_error");
    }

    /// <summary>The group as GET /status/dead-letters lists it (indexed as its fault would), once the management API shows the queue.</summary>
    private async Task<string> KnownGroup(string errors, string type, string message)
    {
        var id = DeadLetterGrouping.GroupId(errors, type, message);
        await monitor.Services.GetRequiredService<DeadLetterIndexStore>().RecordAsync(
            new DeadLetterFault(Guid.NewGuid(), errors, type, FaultCause.Of(message), DateTimeOffset.UtcNow, null, null, null));
        await Eventually.Until(
            async () => (await monitor.Client.GetFromJsonAsync<JsonElement>("status/dead-letters")).GetProperty("groups").EnumerateArray().Any(g => g.GetProperty("id").GetString() == id),
            Deadline,
            $"group {id} in GET /status/dead-letters",
            TimeSpan.FromMilliseconds(500));
        return id;
    }

    private async Task<JsonElement> Start(object body)
    {
        using var response = await Post(JsonSerializer.Serialize(body));
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, $"POST answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        var run = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal($"/dead-letters/requeues/{run.GetProperty("runId").GetString()}", response.Headers.Location?.OriginalString);
        Assert.Equal("running", run.GetProperty("state").GetString());
        return run;
    }

    private Task<JsonElement> Finished(JsonElement run) => Eventually.Value(
        () => monitor.Client.GetFromJsonAsync<JsonElement>($"dead-letters/requeues/{run.GetProperty("runId").GetString()}"),
        status => status.GetProperty("state").GetString() != "running",
        Deadline,
        "the run to end");

    private async Task<HttpResponseMessage> Post(string json)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("dead-letters/requeues", UriKind.Relative))
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.Add(TestKeys.Header, TestKeys.Operator);
        return await monitor.Client.SendAsync(request);
    }

    private async Task<List<JsonElement>> Audit(string queue) =>
        [.. (await monitor.Client.GetFromJsonAsync<JsonElement>("audit?action=dead-letters.requeue")).EnumerateArray().Where(e => e.GetProperty("target").GetString() == queue)];

    private static List<DeadLetter> Letters(string prefix, int count, string type, string message) =>
        [.. Enumerable.Range(1, count).Select(i => new DeadLetter($"{{\"row\":\"{prefix}-{i:00}\"}}", type, message))];

    /// <summary>Two of <paramref name="a"/>, one of <paramref name="b"/>, and so on: the group is spread through the queue.</summary>
    private static IEnumerable<DeadLetter> Interleave(List<DeadLetter> a, List<DeadLetter> b)
    {
        for (var i = 0; i < Math.Max(a.Count, b.Count * 2); i++)
        {
            if (i < a.Count)
            {
                yield return a[i];
            }

            if (i % 2 == 1 && i / 2 < b.Count)
            {
                yield return b[i / 2];
            }
        }
    }
}
