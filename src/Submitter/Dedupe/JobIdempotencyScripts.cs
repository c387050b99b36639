using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Submitter.Dedupe;

/// <summary><see cref="JobIdempotency"/>'s atomic steps, with named keys and arguments.</summary>
public static class JobIdempotencyScripts
{
    public static readonly RedisScript Begin = new(
        "begin a job",
        ["key"],
        ["body", "lease_ms"],
        """
        if redis.call('EXISTS', key) == 0 then
            redis.call('HSET', key, 'state', 'running', 'body', body)
            redis.call('PEXPIRE', key, lease_ms)
            return {'new', ''}
        end
        local found = redis.call('HMGET', key, 'state', 'body', 'report')
        if body ~= '' and found[2] and found[2] ~= '' and found[2] ~= body then return {'conflict', ''} end
        if found[1] == 'done' then return {'done', found[3] or ''} end
        return {'running', ''}
        """);

    // Renews the lease only while the key still says running: a finished job's stored report keeps its own TTL.
    public static readonly RedisScript Renew = new(
        "renew a job's lease",
        ["key"],
        ["lease_ms"],
        """
        if redis.call('HGET', key, 'state') == 'running' then return redis.call('PEXPIRE', key, lease_ms) end
        return 0
        """);
}
