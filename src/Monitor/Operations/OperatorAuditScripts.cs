using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Monitor.Operations;

/// <summary><see cref="OperatorAudit"/>'s atomic steps, with named keys and arguments.</summary>
public static class OperatorAuditScripts
{
    // Ids trimmed off the whole log lose their entry; a per-action list may still name them, and reads skip them.
    public static readonly RedisScript Append = new(
        "append an audit entry",
        ["entries_key", "log_key", "action_log_key"],
        ["id", "entry", "given_keep"],
        """
        redis.call('HSET', entries_key, id, entry)
        redis.call('LPUSH', log_key, id)
        redis.call('LPUSH', action_log_key, id)
        local keep = tonumber(given_keep)
        for _, old in ipairs(redis.call('LRANGE', log_key, keep, -1)) do redis.call('HDEL', entries_key, old) end
        redis.call('LTRIM', log_key, 0, keep - 1)
        redis.call('LTRIM', action_log_key, 0, keep - 1)
        return 1
        """);

    public static readonly RedisScript Complete = new(
        "complete an audit entry",
        ["entries_key"],
        ["id", "entry"],
        """
        if redis.call('HEXISTS', entries_key, id) == 0 then return 0 end
        redis.call('HSET', entries_key, id, entry)
        return 1
        """);
}
