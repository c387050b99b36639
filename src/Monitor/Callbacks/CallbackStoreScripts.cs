using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Monitor.Callbacks;

/// <summary><see cref="CallbackStore"/>'s atomic steps, with named keys and arguments.</summary>
public static class CallbackStoreScripts
{
    // old_mark_key: the callback mark of the old layout (read only); callback_job: "" when the callback names none;
    // callback_job_n: the same job in the compact form; parked: the callback as JSON; credits_unknown: 0/1;
    // batch_prefix: the prefixed name of batch hashes (the row's batch ref is appended: a key the row names, read only).
    // The delivery checks are CallbackVerdict.OfDelivery, executed here so that nothing can slip between them and the
    // settlement; the job and table of a refused callback are never written anywhere. The row's fields are the compact
    // ones of RowFields, its job and table in its batch's hash; rows written before the split (job and table in the
    // row) or before the compact names (long names, a separate mark key) still read. The first callback writes no
    // count ('n' counts the repeats): a field less on every row.
    public static readonly RedisScript Record = new(
        "record a callback",
        ["row_key", "old_mark_key", "progress_key", "dirty_key", "parked_key", "refused_key"],
        ["callback_job", "table_key", "outcome", "credits", "actions", "now_ms", "retention_ms", "parked", "provider", "notes", "credits_unknown", "callback_job_n", "batch_prefix"],
        """
        local delivery = redis.call('HMGET', row_key, 'j', 't', 'job', 'table', 'b')
        local job, tbl = delivery[1] or delivery[3], delivery[2] or delivery[4]
        if not job and delivery[5] then
          local shared = redis.call('HMGET', batch_prefix .. delivery[5], 'j', 't')
          job, tbl = shared[1], shared[2]
        end
        if not job then
          local again = redis.call('EXISTS', parked_key)
          redis.call('SET', parked_key, parked, 'PX', retention_ms)
          if again == 1 then return {4, 0} end
          return {3, 0}
        end
        if callback_job == '' then return {7, 0, job} end
        if job ~= callback_job and job ~= callback_job_n then
          redis.call('HINCRBY', refused_key, 'forged_other_job', 1)
          return {5, 0}
        end
        if tbl ~= table_key then
          redis.call('HINCRBY', refused_key, 'forged_other_table', 1)
          return {6, 0}
        end
        local mark = redis.call('HGET', row_key, 'm') or redis.call('GET', old_mark_key)
        if mark then
          redis.call('HINCRBY', row_key, 'n', 1)
          if mark == '0' or mark == 'pending' then
            local f = redis.call('HMGET', row_key, 'o', 'p', 'd', 'a', 'u', 'outcome', 'provider', 'dataCredits', 'actions', 'creditsUnknown')
            return {2, 0, f[1] or f[6] or '', f[2] or f[7] or '', f[3] or f[8] or '0', f[4] or f[9] or '0', f[5] or f[10] or '0'}
          end
          return {1, 0}
        end
        redis.call('HSET', row_key, 'm', '0', 'o', outcome, 'd', credits, 'a', actions, 'k', now_ms)
        if delivery[1] or delivery[3] then redis.call('HSET', row_key, 'n', 1) end
        if provider ~= '' then redis.call('HSET', row_key, 'p', provider) end
        if notes ~= '' then redis.call('HSET', row_key, 'e', notes) end
        if credits_unknown == '1' then redis.call('HSET', row_key, 'u', '1') end
        redis.call('HINCRBY', progress_key, table_key .. '|' .. outcome, 1)
        redis.call('HINCRBYFLOAT', progress_key, table_key .. '|credits', credits)
        redis.call('HINCRBY', progress_key, table_key .. '|actions', actions)
        redis.call('HSETNX', progress_key, '_first', now_ms)
        local last = tonumber(redis.call('HGET', progress_key, '_last') or '0')
        if tonumber(now_ms) > last then redis.call('HSET', progress_key, '_last', now_ms) end
        redis.call('HINCRBY', progress_key, '_version', 1)
        local pending = redis.call('HINCRBY', progress_key, '_pending', 1)
        redis.call('PEXPIRE', progress_key, retention_ms)
        redis.call('SADD', dirty_key, callback_job)
        return {0, pending}
        """);

    // The mark moves from pending to published where it is (the row's hash, or the old layout's key).
    public static readonly RedisScript MarkPublished = new(
        "mark a callback published",
        ["row_key", "old_mark_key"],
        [],
        """
        if redis.call('HEXISTS', row_key, 'm') == 1 then redis.call('HSET', row_key, 'm', '1') return 1 end
        if redis.call('EXISTS', old_mark_key) == 1 then redis.call('SET', old_mark_key, 'published', 'KEEPTTL') return 1 end
        return 0
        """);

    // Reads a job's counters and starts a new "rows since last flush" count.
    public static readonly RedisScript TakeProgress = new(
        "take a job's progress",
        ["progress_key"],
        [],
        """
        local all = redis.call('HGETALL', progress_key)
        if #all > 0 then redis.call('HSET', progress_key, '_pending', 0) end
        return all
        """);

    // The flag goes only if no callback counted since that version was read: a newer one keeps the job dirty.
    public static readonly RedisScript SettleDirty = new(
        "settle a dirty job",
        ["progress_key", "dirty_key"],
        ["job", "published_version"],
        """
        local version = redis.call('HGET', progress_key, '_version')
        if version == false or version == published_version then redis.call('SREM', dirty_key, job) return 1 end
        return 0
        """);
}
