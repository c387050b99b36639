using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.Contracts.Credits;
using ClayBus.Contracts.Submission;
using ClayBus.Monitor.Tests.Status;
using ClayBus.Testing;
using ClayBus.Testing.Security;

namespace ClayBus.Monitor.Tests.Security;

/// <summary>
/// Operator actions end to end against the real broker and Redis: cancel reaches the job saga, requeue moves dead
/// letters back by a shovel, a budget change goes out; each lands in the one audit log with who, before and after.
/// </summary>
[Trait("Category", "Integration")]
public sealed class OperatorActionSpecs(MonitorFixture monitor) : IClassFixture<MonitorFixture>
{
    private const string OperatorName = "operate-key";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_cancel_a_running_job_through_its_saga_and_audit_it()
    {
        var jobId = await SubmittedJob();

        using var cancel = await Operator(HttpMethod.Post, $"jobs/{jobId}/cancel", new { reason = "wrong list uploaded" });
        var job = await Eventually.Value(
            () => monitor.Client.GetFromJsonAsync<JsonElement>($"status/jobs/{jobId}"),
            j => j.GetProperty("phase").GetString() == "cancelled",
            Deadline,
            "the saga to be cancelled");
        using var again = await Operator(HttpMethod.Post, $"jobs/{jobId}/cancel", null);
        using var unknown = await Operator(HttpMethod.Post, $"jobs/{Guid.NewGuid()}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        Assert.Equal("Submitted", (await cancel.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("previousPhase").GetString());
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("Cancelled", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("cancelled", job.GetProperty("phase").GetString());
        var entry = Assert.Single(await Audit("job.cancel"), e => e.GetProperty("target").GetString() == jobId.ToString());
        Assert.Equal(OperatorName, entry.GetProperty("who").GetString());
        Assert.Equal("Submitted", entry.GetProperty("before").GetProperty("phase").GetString());
        Assert.Equal("Cancelled", entry.GetProperty("after").GetProperty("phase").GetString());
        Assert.Equal("wrong list uploaded", entry.GetProperty("reason").GetString());
        Assert.Equal("succeeded", entry.GetProperty("state").GetString());
    }

    [Fact]
    public async Task Should_cancel_without_a_body()
    {
        var jobId = await SubmittedJob();

        using var cancel = await Operator(HttpMethod.Post, $"jobs/{jobId}/cancel", null);

        Assert.Equal(HttpStatusCode.Accepted, cancel.StatusCode);
        await Eventually.Until(
            async () => (await monitor.Client.GetFromJsonAsync<JsonElement>($"status/jobs/{jobId}")).GetProperty("phase").GetString() == "cancelled",
            Deadline,
            "the saga to be cancelled");
    }

    [Fact]
    public async Task Should_move_dead_letters_back_to_their_queue_and_say_how_many()
    {
        (await monitor.Rabbit.Management.PutAsJsonAsync($"queues/{monitor.Rabbit.EscapedName}/requeue-spec", new { durable = true })).EnsureSuccessStatusCode();
        await monitor.DeadLetterAsync("requeue-spec", "ClayBus.ClayRejected", "Clay answered 422", 3);

        using var response = await Operator(HttpMethod.Post, "dead-letters/requeue-spec_error/requeue", null);
        var result = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, result.GetProperty("moved").GetInt64());
        Assert.True(result.GetProperty("completed").GetBoolean());
        Assert.Equal("requeue-spec", result.GetProperty("destination").GetString());
        await Eventually.Until(async () => await monitor.Rabbit.QueueDepthAsync("requeue-spec") == 3, Deadline, "three messages back in requeue-spec");
        await Eventually.Until(async () => await monitor.Rabbit.QueueDepthAsync("requeue-spec_error") == 0, Deadline, "an empty requeue-spec_error");
        var entry = Assert.Single(await Audit("dead-letters.requeue"), e => e.GetProperty("target").GetString() == "requeue-spec_error");
        Assert.Equal(OperatorName, entry.GetProperty("who").GetString());
        Assert.Equal(3, entry.GetProperty("before").GetProperty("messages").GetInt64());
        Assert.Equal(3, entry.GetProperty("after").GetProperty("moved").GetInt64());
        Assert.Equal("succeeded", entry.GetProperty("state").GetString());

        // One mechanism: the whole-queue requeue is a paced run, followed like any other.
        var run = await monitor.Client.GetFromJsonAsync<JsonElement>($"dead-letters/requeues/{result.GetProperty("shovel").GetString()}");
        Assert.Equal("completed", run.GetProperty("state").GetString());
        Assert.Equal(3, run.GetProperty("moved").GetInt64());
        Assert.Equal(0, run.GetProperty("canary").GetInt32());
    }

    [Fact]
    public async Task Should_not_audit_a_requeue_of_an_empty_queue()
    {
        (await monitor.Rabbit.Management.PutAsJsonAsync($"queues/{monitor.Rabbit.EscapedName}/empty-spec", new { durable = true })).EnsureSuccessStatusCode();
        (await monitor.Rabbit.Management.PutAsJsonAsync($"queues/{monitor.Rabbit.EscapedName}/empty-spec_error", new { durable = true })).EnsureSuccessStatusCode();

        using var response = await Operator(HttpMethod.Post, "dead-letters/empty-spec_error/requeue", null);
        using var run = await Operator(HttpMethod.Post, "dead-letters/requeues", new { queue = "empty-spec_error" });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("moved").GetInt64());
        Assert.Equal(HttpStatusCode.OK, run.StatusCode);
        Assert.Equal("completed", (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("state").GetString());
        Assert.DoesNotContain(await Audit("dead-letters.requeue"), e => e.GetProperty("target").GetString() == "empty-spec_error");
    }

    [Theory]
    [InlineData("requeue-spec", 400)]
    [InlineData("no-such-queue_error", 404)]
    [InlineData("orphan_error", 409)]
    public async Task Should_refuse_a_requeue_that_cannot_be_done(string queue, int status)
    {
        (await monitor.Rabbit.Management.PutAsJsonAsync($"queues/{monitor.Rabbit.EscapedName}/orphan_error", new { durable = true })).EnsureSuccessStatusCode();

        using var response = await Operator(HttpMethod.Post, $"dead-letters/{queue}/requeue", null);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Should_audit_a_budget_change_under_the_keys_name_with_the_limit_before_and_after()
    {
        var now = DateTimeOffset.UtcNow;
        monitor.Ledger = new BudgetStatus(DateOnly.FromDateTime(now.UtcDateTime), "UTC", 5_000m, 0m, 10m, 4_990m, false, now.AddDays(1));

        using var response = await Operator(HttpMethod.Put, "budget", new { dailyLimit = 6_100 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Eventually.Until(() => Task.FromResult(monitor.LimitChanges.Any(c => c.RequestedBy == OperatorName && c.DailyLimit == 6_100m)), Deadline, "ChangeBudgetLimit from the operator key");
        var entry = (await Audit("budget.change")).First(e => e.GetProperty("who").GetString() == OperatorName);
        Assert.Equal(5_000m, entry.GetProperty("before").GetProperty("dailyLimit").GetDecimal());
        Assert.Equal(6_100m, entry.GetProperty("after").GetProperty("dailyLimit").GetDecimal());
    }

    [Fact]
    public async Task Should_list_the_audit_newest_first_and_refuse_an_unknown_action()
    {
        await SubmittedJob();
        var first = await SubmittedJob();
        var second = await SubmittedJob();
        (await Operator(HttpMethod.Post, $"jobs/{first}/cancel", null)).Dispose();
        (await Operator(HttpMethod.Post, $"jobs/{second}/cancel", null)).Dispose();

        var newest = await monitor.Client.GetFromJsonAsync<JsonElement>("audit?take=1");
        using var unknown = await monitor.Client.GetAsync(new Uri("audit?action=delete-everything", UriKind.Relative));

        Assert.Equal(second.ToString(), Assert.Single(newest.EnumerateArray()).GetProperty("target").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("job.cancel", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private async Task<Guid> SubmittedJob()
    {
        var jobId = Guid.NewGuid();
        await monitor.Enricher.Publish(new JobSubmitted(
            jobId, DateTimeOffset.UtcNow, JobPriority.Normal, AdmissionDecision.Admitted, 2, 0,
            [new TableSubmission("operator-table", 2, 0, 0, 0, 1, 4m)], [], "operator-spec"));
        await Eventually.Until(
            async () => (await monitor.Client.GetAsync(new Uri($"status/jobs/{jobId}", UriKind.Relative))).StatusCode == HttpStatusCode.OK,
            Deadline,
            "the job saga");
        return jobId;
    }

    private async Task<HttpResponseMessage> Operator(HttpMethod method, string path, object? body)
    {
        using var client = new HttpClient { BaseAddress = monitor.BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative)) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add(TestKeys.Header, TestKeys.Operator);
        return await client.SendAsync(request);
    }

    private async Task<List<JsonElement>> Audit(string action) =>
        [.. (await monitor.Client.GetFromJsonAsync<JsonElement>($"audit?action={action}")).EnumerateArray()];
}
