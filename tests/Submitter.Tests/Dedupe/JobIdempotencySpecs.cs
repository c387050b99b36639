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
        var key = "crm-" + Guid.NewGuid().ToString("N");
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
        var key = "crm-" + Guid.NewGuid().ToString("N");
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

    private JobIdempotency Create(int leaseSeconds) => new(
        new RedisKeyspace(infrastructure.Redis.Connection, Options.Create(new RedisOptions { KeyPrefix = infrastructure.Redis.Prefix })),
        Options.Create(new DedupeOptions { RunningLeaseSeconds = leaseSeconds }));
}
