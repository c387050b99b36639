using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Monitor.Status;

/// <summary><see cref="DeadLetterIndexStore"/>'s atomic steps, with named keys and arguments.</summary>
public static class DeadLetterIndexStoreScripts
{
    public static readonly RedisScript Record = new(
        "index a dead letter",
        ["seen_key", "group_key", "samples_key", "queue_groups_key", "queues_key"],
        ["id", "queue", "type_name", "cause", "at", "table_name", "job", "message_id", "other", "given_cap", "sample_size", "ttl"],
        """
        if not redis.call('SET', seen_key, '1', 'NX', 'EX', ttl) then return 0 end
        if redis.call('HSETNX', group_key, 'first', at) == 1 then
            redis.call('HSET', group_key, 'queue', queue, 'type', type_name, 'cause', cause, 'last', at)
        elseif tonumber(redis.call('HGET', group_key, 'last') or '0') < tonumber(at) then
            redis.call('HSET', group_key, 'last', at)
        end
        redis.call('HINCRBY', group_key, 'count', 1)
        local cap = tonumber(given_cap)
        local function bump(prefix, name, distinct)
            local field = prefix .. name
            if redis.call('HEXISTS', group_key, field) == 0 then
                if tonumber(redis.call('HGET', group_key, distinct) or '0') >= cap then
                    field = prefix .. other
                else
                    redis.call('HINCRBY', group_key, distinct, 1)
                end
            end
            redis.call('HINCRBY', group_key, field, 1)
        end
        if table_name ~= '' then bump('t:', table_name, 'tables') end
        if job ~= '' then bump('j:', job, 'jobs') end
        if message_id ~= '' then
            redis.call('LPUSH', samples_key, message_id)
            redis.call('LTRIM', samples_key, 0, tonumber(sample_size) - 1)
            redis.call('EXPIRE', samples_key, ttl)
        end
        redis.call('SADD', queue_groups_key, id)
        redis.call('SADD', queues_key, queue)
        redis.call('EXPIRE', group_key, ttl)
        redis.call('EXPIRE', queue_groups_key, ttl)
        redis.call('EXPIRE', queues_key, ttl)
        return 1
        """);
}
