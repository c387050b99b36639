using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Monitor.Scheduling;

/// <summary><see cref="ScheduledMessageStore"/>'s atomic steps, with named keys and arguments.</summary>
public static class ScheduledMessageStoreScripts
{
    // Returns at most max claimed tokens; their score is now + lease.
    public static readonly RedisScript Claim = new(
        "claim due messages",
        ["due_key"],
        ["now_ms", "lease_ms", "max"],
        """
        local due = redis.call('ZRANGEBYSCORE', due_key, '-inf', now_ms, 'LIMIT', 0, tonumber(max))
        local leased = tonumber(now_ms) + tonumber(lease_ms)
        for _, token in ipairs(due) do
          redis.call('ZADD', due_key, leased, token)
        end
        return due
        """);

    // Removes the token only if it still carries our lease (a reschedule under the same token replaced it).
    public static readonly RedisScript Complete = new(
        "complete a message",
        ["due_key", "record_key"],
        ["token", "lease"],
        """
        local score = redis.call('ZSCORE', due_key, token)
        if score and tonumber(score) == tonumber(lease) then
          redis.call('ZREM', due_key, token)
          redis.call('DEL', record_key)
          return 1
        end
        return 0
        """);
}
