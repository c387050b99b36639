using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.Contracts.Credits;
using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Testing;
using ClayBus.Testing.Security;

namespace ClayBus.Monitor.Tests.Status;

/// <summary>The status API's contract: the shape of each endpoint, against the real broker, Redis and management API.</summary>
[Trait("Category", "Integration")]
public class StatusApiSpecs(MonitorFixture monitor) : IClassFixture<MonitorFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Should_describe_every_status_endpoint_in_openapi()
    {
        var document = await monitor.Client.GetFromJsonAsync<JsonElement>("openapi/v1.json");
        var paths = document.GetProperty("paths");

        foreach (var path in new[] { "/status/budget", "/status/providers", "/status/webhooks", "/status/dead-letters", "/budget", "/budget/audit", "/status/jobs", "/status/jobs/{jobId}", "/status/enrichers" })
        {
            Assert.True(paths.TryGetProperty(path, out _), path + " is missing from the OpenAPI document");
        }
    }

    [Fact]
    public async Task Should_say_unknown_when_the_ledger_does_not_answer()
    {
        monitor.Ledger = null;

        var budget = await monitor.Client.GetFromJsonAsync<JsonElement>("status/budget");

        Assert.Equal("unknown", budget.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, budget.GetProperty("ledger").ValueKind);
        Assert.Equal("ok", budget.GetProperty("events").GetProperty("state").GetString());
    }

    [Fact]
    public async Task Should_show_the_ledger_figures_with_the_alert_state_and_a_forecast()
    {
        monitor.Ledger = Ledger(reserved: 100m, spent: 4_000m);

        var budget = await monitor.Client.GetFromJsonAsync<JsonElement>("status/budget");

        Assert.Equal("alert", budget.GetProperty("state").GetString());
        Assert.Equal(0.82m, budget.GetProperty("usedShare").GetDecimal());
        Assert.Equal(5_000m, budget.GetProperty("ledger").GetProperty("limit").GetDecimal());
        var forecast = budget.GetProperty("forecast");
        Assert.True(forecast.GetProperty("samples").GetInt32() >= 1);
        Assert.Equal(JsonValueKind.Array, forecast.GetProperty("samplesSeen").ValueKind);
    }

    [Fact]
    public async Task Should_follow_the_budget_events_from_alert_to_exhaustion_to_reset()
    {
        monitor.Ledger = null;
        var today = DateOnly.FromDateTime(DateTime.UtcNow);

        await monitor.Enricher.Publish(new BudgetThresholdReached(today, 5_000m, 4_000m, 0.8, DateTimeOffset.UtcNow));
        await EventStateIs("alert");
        await monitor.Enricher.Publish(new BudgetExhausted(today, 5_000m, 5_000m, DateTimeOffset.UtcNow));
        await EventStateIs("exhausted");
        await monitor.Enricher.Publish(new BudgetReset(today, 8_000m, DateTimeOffset.UtcNow));
        var view = await EventStateIs("ok");

        Assert.Equal(8_000m, view.GetProperty("limit").GetDecimal());
        Assert.NotEqual(JsonValueKind.Null, view.GetProperty("exhaustedAt").ValueKind);
    }

    [Fact]
    public async Task Should_refuse_a_limit_change_without_an_operator_key_or_a_valid_limit()
    {
        using var withoutKey = new HttpClient { BaseAddress = monitor.BaseAddress };
        using var anonymous = await withoutKey.PutAsJsonAsync("budget", new { dailyLimit = 6_000 });
        using var negative = await Put(new { dailyLimit = -1 });

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains("X-Api-Key", await anonymous.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.Contains("dailyLimit", await negative.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_pass_the_actions_limits_to_the_ledger_and_refuse_a_bad_one()
    {
        using var bad = await Put(new { dailyLimit = 6_100, actionsDailyLimit = 0 });
        using var response = await Put(new { dailyLimit = 6_200, actionsDailyLimit = 15_000, actionsMonthlyLimit = -1 });

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("actionsDailyLimit", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var change = await Eventually.Value(
            () => Task.FromResult(monitor.LimitChanges.FirstOrDefault(c => c.DailyLimit == 6_200m)),
            c => c is not null,
            Deadline,
            "ChangeBudgetLimit with the Actions limits to reach the ledger");
        Assert.Equal((15_000L, -1L), (change!.ActionsDailyLimit, change.ActionsMonthlyLimit));
        Assert.DoesNotContain(monitor.LimitChanges, c => c.DailyLimit == 6_100m);
    }

    [Fact]
    public async Task Should_send_the_limit_change_to_the_ledger_and_audit_it()
    {
        monitor.Ledger = Ledger(0m, 10m);

        using var response = await Put(new { dailyLimit = 7_500 });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var change = await Eventually.Value(
            () => Task.FromResult(monitor.LimitChanges.FirstOrDefault(c => c.RequestedBy == TestKeys.DevelopmentName && c.DailyLimit == 7_500m)),
            c => c is not null,
            Deadline,
            "ChangeBudgetLimit to reach the ledger");
        Assert.Equal(7_500m, change!.DailyLimit);
        var audit = await monitor.Client.GetFromJsonAsync<JsonElement>("budget/audit");
        var entry = audit.EnumerateArray().First(e => e.GetProperty("requestedBy").GetString() == TestKeys.DevelopmentName);
        Assert.Equal("requested", entry.GetProperty("kind").GetString());
        Assert.Equal(5_000m, entry.GetProperty("before").GetDecimal());
        Assert.Equal(7_500m, entry.GetProperty("after").GetDecimal());

        await monitor.Enricher.Publish(new BudgetLimitChanged(5_000m, 7_500m, null, TestKeys.DevelopmentName, DateTimeOffset.UtcNow));
        await Eventually.Until(
            async () => (await monitor.Client.GetFromJsonAsync<JsonElement>("budget/audit")).EnumerateArray().Any(e => e.GetProperty("kind").GetString() == "applied"),
            Deadline,
            "the applied change in the audit trail");
    }

    [Fact]
    public async Task Should_show_each_tables_webhook_runway_from_deliveries()
    {
        await monitor.Enricher.Publish(new BatchDelivered(
            Guid.NewGuid(), Guid.NewGuid(), "webhook-table", ["r1", "r2", "r3"], [], "…abc123", 40_000, 50_000, 7.5m, DateTimeOffset.UtcNow));

        var table = await Eventually.Value(
            async () => (await monitor.Client.GetFromJsonAsync<JsonElement>("status/webhooks")).GetProperty("tables").EnumerateArray()
                .FirstOrDefault(t => t.GetProperty("tableKey").GetString() == "webhook-table"),
            t => t.ValueKind == JsonValueKind.Object,
            Deadline,
            "the table in /status/webhooks");

        Assert.Equal(40_000, table.GetProperty("used").GetInt64());
        Assert.Equal(10_000, table.GetProperty("remaining").GetInt64());
        Assert.True(table.GetProperty("recordsPerHour").GetDouble() > 0);
        Assert.NotEqual(JsonValueKind.Null, table.GetProperty("runsOutAt").ValueKind);
        Assert.Equal("…abc123", table.GetProperty("webhook").GetString());
    }

    [Fact]
    public async Task Should_count_dead_letters_and_group_them_by_fault_reason()
    {
        await monitor.DeadLetterAsync("status-spec", "ClayBus.ClayRejected", "Clay answered 422", 3);
        await monitor.DeadLetterAsync("status-spec", "System.TimeoutException", "timed out", 1);

        var report = await Eventually.Value(
            () => monitor.Client.GetFromJsonAsync<JsonElement>("status/dead-letters"),
            r => r.GetProperty("queues").EnumerateArray().Any(q => q.GetProperty("queue").GetString() == "status-spec_error" && q.GetProperty("depth").GetInt64() == 4),
            Deadline,
            "the _error queue's depth in the management API");

        Assert.True(report.GetProperty("available").GetBoolean());
        var groups = report.GetProperty("groups").EnumerateArray().Where(g => g.GetProperty("queue").GetString() == "status-spec_error").ToList();
        Assert.Equal(2, groups.Count);
        Assert.Equal(3, groups.Single(g => g.GetProperty("exceptionType").GetString() == "ClayBus.ClayRejected").GetProperty("count").GetInt32());
        Assert.Equal("status-spec", report.GetProperty("queues").EnumerateArray().First(q => q.GetProperty("queue").GetString() == "status-spec_error").GetProperty("sourceQueue").GetString());
    }

    [Fact]
    public async Task Should_list_jobs_and_show_one_with_per_table_progress()
    {
        var jobId = Guid.NewGuid();
        var batchId = Guid.NewGuid();
        await monitor.Enricher.Publish(new JobSubmitted(
            jobId, DateTimeOffset.UtcNow, JobPriority.Normal, AdmissionDecision.Admitted, 3, 0,
            [new TableSubmission("jobs-table", 3, 0, 0, 0, 1, 6m)], [], "status-spec"));
        await monitor.Enricher.Publish(new BatchDelivered(jobId, batchId, "jobs-table", ["a", "b", "c"], [], "…jobs01", 3, 50_000, 6m, DateTimeOffset.UtcNow));

        var job = await Eventually.Value(
            () => monitor.Client.GetFromJsonAsync<JsonElement>($"status/jobs/{jobId}"),
            // Two events on one saga may be taken in either order: wait for both.
            j => j.GetProperty("rowsDelivered").GetInt32() == 3 && j.GetProperty("rowsAccepted").GetInt32() == 3,
            Deadline,
            "the job's submission and delivery in /status/jobs/{id}");
        var list = await monitor.Client.GetFromJsonAsync<JsonElement>("status/jobs");
        using var unknown = await monitor.Client.GetAsync($"status/jobs/{Guid.NewGuid()}");
        using var badState = await monitor.Client.GetAsync("status/jobs?state=sleeping");

        Assert.Equal(3, job.GetProperty("rowsAccepted").GetInt32());
        var table = Assert.Single(job.GetProperty("tables").EnumerateArray());
        Assert.Equal("jobs-table", table.GetProperty("tableKey").GetString());
        Assert.Equal(1, table.GetProperty("batchesDelivered").GetInt32());
        Assert.Contains(list.EnumerateArray(), j => j.GetProperty("jobId").GetGuid() == jobId);
        var phase = job.GetProperty("phase").GetString()!;
        var filtered = await monitor.Client.GetFromJsonAsync<JsonElement>($"status/jobs?state={phase}");
        Assert.Contains(filtered.EnumerateArray(), j => j.GetProperty("jobId").GetGuid() == jobId);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, badState.StatusCode);
        Assert.Contains("not a job state", await badState.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_show_a_paused_enricher_with_its_reason_until_it_resumes()
    {
        var instance = $"enricher-{Guid.NewGuid():N}/4242";
        var since = DateTimeOffset.UtcNow.AddSeconds(-5);
        var probeAt = since.AddMinutes(2);
        await monitor.Enricher.Publish(new DeliveryPaused(instance, PauseReason.ClayUnavailable, "Clay answered 503 five times", since, probeAt));
        await monitor.Enricher.Publish(new DeliveryPaused(instance, PauseReason.BudgetExhausted, "8,000 of 8,000 credits used today", since));

        var report = await Eventually.Value(
            () => monitor.Client.GetFromJsonAsync<JsonElement>("status/enrichers"),
            r => Pauses(r, instance).Count == 2,
            Deadline,
            "both pauses in /status/enrichers");
        var clay = Pauses(report, instance).Single(p => p.GetProperty("reason").GetString() == "clayUnavailable");
        Assert.Equal("Clay answered 503 five times", clay.GetProperty("detail").GetString());
        Assert.Equal(since, clay.GetProperty("since").GetDateTimeOffset());
        Assert.Equal(probeAt, clay.GetProperty("probeAt").GetDateTimeOffset());
        Assert.Equal(24 * 60, report.GetProperty("pauseStaleAfterMinutes").GetInt32());

        // One reason ends; the other still holds the instance.
        await monitor.Enricher.Publish(new DeliveryResumed(instance, PauseReason.ClayUnavailable, DateTimeOffset.UtcNow));
        report = await Eventually.Value(
            () => monitor.Client.GetFromJsonAsync<JsonElement>("status/enrichers"),
            r => Pauses(r, instance).Count == 1,
            Deadline,
            "the Clay pause to be gone");
        Assert.Equal("budgetExhausted", Pauses(report, instance).Single().GetProperty("reason").GetString());

        await monitor.Enricher.Publish(new DeliveryResumed(instance, PauseReason.BudgetExhausted, DateTimeOffset.UtcNow));
        await Eventually.Until(
            async () => Pauses(await monitor.Client.GetFromJsonAsync<JsonElement>("status/enrichers"), instance).Count == 0,
            Deadline,
            "the instance to deliver again");
    }

    private static List<JsonElement> Pauses(JsonElement report, string instance) =>
        [.. report.GetProperty("paused").EnumerateArray().Where(p => p.GetProperty("instance").GetString() == instance)];

    private async Task<JsonElement> EventStateIs(string state) =>
        (await Eventually.Value(
            () => monitor.Client.GetFromJsonAsync<JsonElement>("status/budget"),
            budget => budget.GetProperty("events").GetProperty("state").GetString() == state,
            Deadline,
            "the budget view to become " + state)).GetProperty("events");

    private Task<HttpResponseMessage> Put(object body) => monitor.Client.PutAsJsonAsync("budget", body);

    private static BudgetStatus Ledger(decimal reserved, decimal spent)
    {
        var now = DateTimeOffset.UtcNow;
        return new BudgetStatus(DateOnly.FromDateTime(now.UtcDateTime), "UTC", 5_000m, reserved, spent, 5_000m - reserved - spent, false, new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero));
    }
}
