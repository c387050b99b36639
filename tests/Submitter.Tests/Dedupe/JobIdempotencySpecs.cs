using ClayBus.ServiceDefaults.Redis;
using ClayBus.Submitter.Dedupe;
using ClayBus.Testing;
using Microsoft.Extensions.Options;

namespace ClayBus.Submitter.Tests.Dedupe;

/// <summary>A job's idempotency key on the real Redis: held while the job runs, free again soon after its Submitter dies.</summary>
[Trait("Category", "Integration")]
public sealed class JobIdempotencySpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Should_hold_the_key_while_the_job_runs_and_free_it_after_the_lease_once_renewals_stop()
    {
        var idempotency = Create(leaseSeconds: 3);
        var key = IdempotencyClaim.ForApiKey("crm", "crm-" + Guid.NewGuid().ToString("N"), "body-1");
        Assert.Equal(IdempotencyState.New, (await idempotency.BeginAsync(key)).State);

        using var running = new CancellationTokenSource();
        var holding = idempotency.KeepRunningAsync(key, running.Token);
        var heldSince = DateTime.UtcNow;
        await Eventually.Until(() => DateTime.UtcNow - heldSince > TimeSpan.FromSeconds(7), Deadline, "two leases to pass");
        var whileRunning = (await idempotency.BeginAsync(key)).State;

        // The crash: renewals stop, and the key frees itself.
        await running.CancelAsync();
        await holding;
        await Eventually.Until(async () => (await idempotency.BeginAsync(key)).State == IdempotencyState.New, Deadline, "the key to be free after the lease");

        Assert.Equal(IdempotencyState.Running, whileRunning);
    }

    [Fact]
    public async Task Should_keep_a_finished_jobs_report_when_a_late_renewal_runs()
    {
        var idempotency = Create(leaseSeconds: 3);
        var key = IdempotencyClaim.ForApiKey("crm", "crm-" + Guid.NewGuid().ToString("N"), "body-1");
        await idempotency.BeginAsync(key);
        using var running = new CancellationTokenSource();
        var holding = idempotency.KeepRunningAsync(key, running.Token);

        await idempotency.CompleteAsync(key, """{"jobId":"00000000-0000-0000-0000-000000000001"}""");
        var completedAt = DateTime.UtcNow;
        await Eventually.Until(() => DateTime.UtcNow - completedAt > TimeSpan.FromSeconds(4), Deadline, "a renewal tick and a lease to pass");
        await running.CancelAsync();
        await holding;

        var (state, report) = await idempotency.BeginAsync(key);
        Assert.Equal(IdempotencyState.Done, state);
        Assert.Contains("jobId", report, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_keep_one_callers_key_apart_from_anothers()
    {
        var idempotency = Create(leaseSeconds: 30);
        var key = "export-" + Guid.NewGuid().ToString("N");
        var owner = IdempotencyClaim.ForApiKey("crm", key, "body-crm");
        var other = IdempotencyClaim.ForApiKey("webshop", key, "body-webshop");
        var raw = IdempotencyClaim.ForSource("erp", key, "body-crm");
        await idempotency.BeginAsync(owner);
        await idempotency.CompleteAsync(owner, """{"jobId":"00000000-0000-0000-0000-000000000001","rejected":["ana@acme.com"]}""");

        var (otherState, otherReport) = await idempotency.BeginAsync(other);

        Assert.Equal(IdempotencyState.New, otherState);
        Assert.Null(otherReport);
        Assert.Equal(IdempotencyState.New, (await idempotency.BeginAsync(raw)).State);
        Assert.NotEqual(owner.JobId, other.JobId);
        Assert.NotEqual(owner.JobId, raw.JobId);
        Assert.Equal(IdempotencyState.Done, (await idempotency.BeginAsync(owner)).State);
    }

    [Fact]
    public async Task Should_call_the_same_key_with_another_body_a_conflict_while_running_and_when_done()
    {
        var idempotency = Create(leaseSeconds: 30);
        var key = "export-" + Guid.NewGuid().ToString("N");
        var first = IdempotencyClaim.ForApiKey("crm", key, "body-1");
        await idempotency.BeginAsync(first);

        var whileRunning = (await idempotency.BeginAsync(first with { BodyHash = "body-2" })).State;
        var sameWhileRunning = (await idempotency.BeginAsync(first)).State;
        await idempotency.CompleteAsync(first, """{"jobId":"00000000-0000-0000-0000-000000000001"}""");
        var whenDone = await idempotency.BeginAsync(first with { BodyHash = "body-2" });
        var unknownBody = (await idempotency.BeginAsync(first with { BodyHash = null })).State;

        Assert.Equal(IdempotencyState.Conflict, whileRunning);
        Assert.Equal(IdempotencyState.Running, sameWhileRunning);
        Assert.Equal(IdempotencyState.Conflict, whenDone.State);
        Assert.Null(whenDone.Report);
        Assert.Equal(IdempotencyState.Done, unknownBody);
    }

    private JobIdempotency Create(int leaseSeconds) => new(
        new RedisKeyspace(infrastructure.Redis.Connection, Options.Create(new RedisOptions { KeyPrefix = infrastructure.Redis.Prefix })),
        Options.Create(new DedupeOptions { RunningLeaseSeconds = leaseSeconds }));
}
