using System.Security.Cryptography;
using System.Text;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Submitter.Dedupe;

/// <summary>What a job's idempotency key found: a new job to run, one still running, or the finished job's report.</summary>
public enum IdempotencyState
{
    New,
    Running,
    Done,
}

/// <summary>
/// The caller's job-level idempotency key, in Redis: the first submission runs and stores its report; a resubmission
/// returns that report and publishes nothing. The job id is derived from the key, so a retry after a crash reclaims
/// the rows the first attempt had claimed instead of skipping them as duplicates.
/// </summary>
public sealed class JobIdempotency(RedisKeyspace redis, IOptions<DedupeOptions> options)
{
    private const string Running = "running";

    // Renews the lease only while the key still says running: a finished job's stored report keeps its own TTL.
    private const string RenewScript = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";

    public static Guid JobIdFor(string idempotencyKey)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes("claybus-job:" + idempotencyKey));
        return new Guid(hash.AsSpan(0, 16));
    }

    public async Task<(IdempotencyState State, string? Report)> BeginAsync(string idempotencyKey)
    {
        var key = KeyOf(idempotencyKey);
        if (await redis.Database.StringSetAsync(key, Running, Lease, When.NotExists))
        {
            return (IdempotencyState.New, null);
        }

        var value = await redis.Database.StringGetAsync(key);
        return value == Running || value.IsNull ? (IdempotencyState.Running, null) : (IdempotencyState.Done, value.ToString());
    }

    /// <summary>Renews the running job's hold on its key until <paramref name="stopping"/>; a crash stops the renewals.</summary>
    public async Task KeepRunningAsync(string idempotencyKey, CancellationToken stopping)
    {
        var key = KeyOf(idempotencyKey);
        using var renewals = new PeriodicTimer(Lease / 3);
        try
        {
            while (await renewals.WaitForNextTickAsync(stopping))
            {
                try
                {
                    await redis.Database.ScriptEvaluateAsync(RenewScript, [key], [Running, (long)Lease.TotalMilliseconds]);
                }
                catch (Exception exception) when (exception is RedisException or RedisTimeoutException)
                {
                    // A missed renewal only shortens the hold; the job itself goes on (and fails on its own if Redis stays away).
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    public Task CompleteAsync(string idempotencyKey, string report) =>
        redis.Database.StringSetAsync(KeyOf(idempotencyKey), report, TimeSpan.FromDays(options.Value.IdempotencyDays));

    public Task AbandonAsync(string idempotencyKey) => redis.Database.KeyDeleteAsync(KeyOf(idempotencyKey));

    private TimeSpan Lease => TimeSpan.FromSeconds(options.Value.RunningLeaseSeconds);

    private static RedisKey KeyOf(string idempotencyKey) =>
        "submitter:job-key:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));
}
