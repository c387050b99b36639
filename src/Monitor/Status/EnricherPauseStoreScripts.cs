using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Monitor.Status;

/// <summary><see cref="EnricherPauseStore"/>'s atomic steps, with named keys and arguments.</summary>
public static class EnricherPauseStoreScripts
{
    public static readonly RedisScript Pause = new(
        "record a pause",
        ["paused_key", "details_key", "resumed_key"],
        ["member", "at", "json"],
        """
        local resumed = redis.call('ZSCORE', resumed_key, member)
        if resumed and tonumber(resumed) >= tonumber(at) then return 0 end
        local paused = redis.call('ZSCORE', paused_key, member)
        if paused and tonumber(paused) > tonumber(at) then return 0 end
        redis.call('ZADD', paused_key, at, member)
        redis.call('HSET', details_key, member, json)
        return 1
        """);

    public static readonly RedisScript Resume = new(
        "record a resume",
        ["paused_key", "details_key", "resumed_key"],
        ["member", "at"],
        """
        local resumed = redis.call('ZSCORE', resumed_key, member)
        if not resumed or tonumber(resumed) < tonumber(at) then redis.call('ZADD', resumed_key, at, member) end
        local paused = redis.call('ZSCORE', paused_key, member)
        if paused and tonumber(paused) <= tonumber(at) then
          redis.call('ZREM', paused_key, member)
          redis.call('HDEL', details_key, member)
          return 1
        end
        return 0
        """);

    // Drops what is older than the cutoff (pauses, their details, remembered resumes), then returns the rest.
    public static readonly RedisScript Read = new(
        "read the pauses",
        ["paused_key", "details_key", "resumed_key"],
        ["cutoff"],
        """
        local stale = redis.call('ZRANGEBYSCORE', paused_key, '-inf', '(' .. cutoff)
        for _, member in ipairs(stale) do redis.call('HDEL', details_key, member) end
        redis.call('ZREMRANGEBYSCORE', paused_key, '-inf', '(' .. cutoff)
        redis.call('ZREMRANGEBYSCORE', resumed_key, '-inf', '(' .. cutoff)
        local members = redis.call('ZRANGE', paused_key, 0, -1)
        if #members == 0 then return {} end
        return redis.call('HMGET', details_key, unpack(members))
        """);
}
