using ClayBus.Monitor.Operations;
using ClayBus.ServiceDefaults.Redis;
using ClayBus.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace ClayBus.Monitor.Tests.Operations;

/// <summary>The audit log against the real Redis: an entry exists before the action runs, and is completed after it.</summary>
[Trait("Category", "Integration")]
public sealed class OperatorAuditSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private readonly string _prefix = infrastructure.Redis.Prefix + Guid.NewGuid().ToString("N")[..8] + ":";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero));

    private OperatorAudit Audit(int keep = 100) => new(
        new RedisKeyspace(infrastructure.Redis.Connection, Options.Create(new RedisOptions { KeyPrefix = _prefix })),
        Options.Create(new OperationsOptions { AuditEntries = keep }),
        _clock,
        NullLogger<OperatorAudit>.Instance);

    [Fact]
    public async Task Should_show_the_entry_started_before_the_action_and_completed_after_it()
    {
        var audit = Audit();

        var started = await audit.BeginAsync("operate-key", OperatorAudit.CancelJob, "job-1", new { phase = "Delivering" }, new { phase = "Cancelled" }, "wrong list");
        var during = Assert.Single(await audit.ReadAsync(10, null));
        _clock.Advance(TimeSpan.FromSeconds(3));
        Assert.True(await audit.CompleteAsync(started, succeeded: true, new { phase = "Cancelled", sent = true }, "CancelJob sent"));
        var after = Assert.Single(await audit.ReadAsync(10, OperatorAudit.CancelJob));

        Assert.Equal(AuditState.Started, during.State);
        Assert.Null(during.CompletedAt);
        Assert.Equal(started.Id, after.Id);
        Assert.Equal(AuditState.Succeeded, after.State);
        Assert.Equal("CancelJob sent", after.Detail);
        Assert.Equal(_clock.GetUtcNow(), after.CompletedAt);
        Assert.True(after.After!.Value.GetProperty("sent").GetBoolean());
        Assert.Equal("wrong list", after.Reason);
    }

    [Fact]
    public async Task Should_record_a_failed_action_with_its_detail()
    {
        var audit = Audit();
        var started = await audit.BeginAsync("operate-key", OperatorAudit.ChangeBudget, "daily-limit", new { dailyLimit = 5_000 }, new { dailyLimit = 6_000 });

        await audit.CompleteAsync(started, succeeded: false, null, "ChangeBudgetLimit not published: BrokerUnreachableException");

        var entry = Assert.Single(await audit.ReadAsync(10, OperatorAudit.ChangeBudget));
        Assert.Equal(AuditState.Failed, entry.State);
        Assert.Equal(6_000, entry.After!.Value.GetProperty("dailyLimit").GetInt32());
        Assert.Contains("BrokerUnreachableException", entry.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_keep_the_newest_entries_and_drop_the_trimmed_ones_everywhere()
    {
        var audit = Audit(keep: 3);
        var first = await audit.BeginAsync("a", OperatorAudit.CancelJob, "job-1", null, null);
        for (var i = 2; i <= 4; i++)
        {
            await audit.BeginAsync("a", OperatorAudit.CancelJob, "job-" + i, null, null);
        }

        Assert.Equal(["job-4", "job-3", "job-2"], (await audit.ReadAsync(10, null)).Select(e => e.Target));
        Assert.Equal(["job-4", "job-3", "job-2"], (await audit.ReadAsync(10, OperatorAudit.CancelJob)).Select(e => e.Target));
        Assert.False(await audit.CompleteAsync(first, true, null, "too late"));
        Assert.Equal(3, (await audit.ReadAsync(10, null)).Count);
    }
}
