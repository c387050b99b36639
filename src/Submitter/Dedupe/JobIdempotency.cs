using System.Security.Cryptography;
using System.Text;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Submitter.Dedupe;

/// <summary>What a job's idempotency key found: a new job, one still running, the finished job's report, or another body.</summary>
public enum IdempotencyState
{
    New,
    Running,
    Done,
    Conflict,
}

/// <summary>
/// A caller's idempotency key within its scope: <c>api-key:{name}</c> over HTTP, <c>source:{source}</c> for raw
/// <c>SubmitJob</c> messages, so two callers never share (or squat) a key. <see cref="BodyHash"/> is the SHA-256 of
/// the body as sent (a CSV under a key is spooled to hash it first); null where none is known, and then not compared.
/// </summary>
public sealed record IdempotencyClaim(string Scope, string Key, string? BodyHash)
{
    public static IdempotencyClaim ForApiKey(string apiKeyName, string key, string? bodyHash) => new("api-key:" + apiKeyName, key, bodyHash);

    public static IdempotencyClaim ForSource(string source, string key, string? bodyHash) => new("source:" + source, key, bodyHash);

    /// <summary>Derived from scope and key, so a retry after a crash reclaims the rows the first attempt had claimed.</summary>
    public Guid JobId => new(SHA256.HashData(Encoding.UTF8.GetBytes("claybus-job:" + Scope + "\n" + Key)).AsSpan(0, 16));

    public static string HashOf(ReadOnlySpan<byte> body) => Convert.ToHexStringLower(SHA256.HashData(body));

    internal RedisKey RedisKey => "submitter:job-key:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Scope + "\n" + Key)));
}

/// <summary>
/// The caller's job-level idempotency key, in Redis (a hash: <c>state</c> running or done, <c>body</c>, <c>report</c>):
/// the first submission runs and stores its report; a resubmission of the same body returns that report and
/// publishes nothing; the same key with another body is a conflict, never the first caller's report.
/// </summary>
public sealed class JobIdempotency(RedisKeyspace redis, IOptions<DedupeOptions> options)
{
    public async Task<(IdempotencyState State, string? Report)> BeginAsync(IdempotencyClaim claim)
    {
        var result = (RedisResult[])(await JobIdempotencyScripts.Begin.EvaluateAsync(
            redis.Database,
            [("key", claim.RedisKey)],
            [("body", claim.BodyHash ?? ""), ("lease_ms", (long)Lease.TotalMilliseconds)]))!;
        return result[0].ToString() switch
        {
            "new" => (IdempotencyState.New, null),
            "conflict" => (IdempotencyState.Conflict, null),
            "done" => (IdempotencyState.Done, result[1].ToString()),
            _ => (IdempotencyState.Running, null),
        };
    }

    /// <summary>Renews the running job's hold on its key until <paramref name="stopping"/>; a crash stops the renewals.</summary>
    public async Task KeepRunningAsync(IdempotencyClaim claim, CancellationToken stopping)
    {
        using var renewals = new PeriodicTimer(Lease / 3);
        try
        {
            while (await renewals.WaitForNextTickAsync(stopping))
            {
                try
                {
                    await JobIdempotencyScripts.Renew.EvaluateAsync(
                        redis.Database,
                        [("key", claim.RedisKey)],
                        [("lease_ms", (long)Lease.TotalMilliseconds)]);
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

    public async Task CompleteAsync(IdempotencyClaim claim, string report)
    {
        var transaction = redis.Database.CreateTransaction();
        _ = transaction.HashSetAsync(claim.RedisKey, [new HashEntry("state", "done"), new HashEntry("body", claim.BodyHash ?? ""), new HashEntry("report", report)]);
        _ = transaction.KeyExpireAsync(claim.RedisKey, TimeSpan.FromDays(options.Value.IdempotencyDays));
        await transaction.ExecuteAsync();
    }

    public Task AbandonAsync(IdempotencyClaim claim) => redis.Database.KeyDeleteAsync(claim.RedisKey);

    private TimeSpan Lease => TimeSpan.FromSeconds(options.Value.RunningLeaseSeconds);
}
