using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Monitor.Operations;

/// <summary><see cref="RequeueRunStore"/>'s atomic steps, with named keys and arguments.</summary>
public static class RequeueRunStoreScripts
{
    public static readonly RedisScript RenewLock = new(
        "renew a queue lock",
        ["lock_key"],
        ["run", "expiry_ms"],
        """
        if redis.call('get', lock_key) == run then return redis.call('pexpire', lock_key, expiry_ms) else return 0 end
        """);

    public static readonly RedisScript ReleaseLock = new(
        "release a queue lock",
        ["lock_key"],
        ["run"],
        """
        if redis.call('get', lock_key) == run then return redis.call('del', lock_key) else return 0 end
        """);
}
