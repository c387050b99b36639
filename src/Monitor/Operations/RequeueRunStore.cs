using System.Text.Json;
using System.Text.Json.Serialization;
using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.Monitor.Operations;

/// <summary>
/// Paced requeue runs in Redis, so any Monitor instance answers for a run another one executes: the run's status
/// (kept a day) and one lock per dead-letter queue (the run id, with a short expiry the running instance renews), so
/// two runs never read the same queue at once and a crashed instance's lock frees itself.
/// </summary>
public sealed class RequeueRunStore(RedisKeyspace redis)
{
    public static readonly TimeSpan LockExpiry = TimeSpan.FromSeconds(30);

    /// <summary>A run whose heartbeat is older than this is reported failed: its Monitor stopped without finishing it.</summary>
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Retention = TimeSpan.FromDays(1);

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    /// <returns>Null when the lock was taken; otherwise the id of the run that holds it.</returns>
    public async Task<string?> TryLockAsync(string queue, Guid runId)
    {
        var key = LockKey(queue);
        if (await redis.Database.StringSetAsync(key, runId.ToString(), LockExpiry, When.NotExists))
        {
            return null;
        }

        return (string?)await redis.Database.StringGetAsync(key) ?? "(a run that just ended: retry)";
    }

    /// <returns>False when the lock is no longer this run's (it expired and another run took the queue).</returns>
    public async Task<bool> RenewAsync(string queue, Guid runId) =>
        (long)await RequeueRunStoreScripts.RenewLock.EvaluateAsync(
            redis.Database,
            [("lock_key", LockKey(queue))],
            [("run", runId.ToString()), ("expiry_ms", (long)LockExpiry.TotalMilliseconds)]) == 1;

    public Task ReleaseAsync(string queue, Guid runId) =>
        RequeueRunStoreScripts.ReleaseLock.EvaluateAsync(
            redis.Database,
            [("lock_key", LockKey(queue))],
            [("run", runId.ToString())]);

    public Task SaveAsync(RequeueRunStatus run) =>
        redis.Database.StringSetAsync(RunKey(run.RunId), JsonSerializer.Serialize(run, Json), Retention);

    public async Task<RequeueRunStatus?> FindAsync(Guid runId) =>
        await redis.Database.StringGetAsync(RunKey(runId)) is { HasValue: true } value
            ? JsonSerializer.Deserialize<RequeueRunStatus>(value.ToString(), Json)
            : null;

    private static RedisKey LockKey(string queue) => "dead-letters:requeue-lock:" + queue;

    private static RedisKey RunKey(Guid runId) => "dead-letters:requeue-run:" + runId.ToString("N");
}
