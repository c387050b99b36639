using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Submitter.Dedupe;

/// <summary><see cref="RecentRows"/>' atomic steps; every key is a row's (a variable number), the arguments named.</summary>
public static class RecentRowsScripts
{
    // Field q: '<claimant>|<until s>' while claimed, 's|<sent at s>' once sent. The hash lives as long as its longest
    // use: a claim or a commit only ever lengthens its TTL (the Monitor's lineage retention may be longer).
    private const string Mark = """
        local function live(key, old, now, window)
          local q = redis.call('HGET', key, 'q')
          if q then
            local who, at = string.match(q, '^(.*)|(%d+)$')
            if who == 's' then
              if tonumber(at) + window > now then return 'sent:' end
            elseif who and tonumber(at) > now then
              return who
            end
            return nil
          end
          local v = redis.call('GET', old)
          if v then return v end
          return nil
        end
        local function hold(key, value, ttl)
          redis.call('HSET', key, 'q', value)
          if redis.call('TTL', key) < ttl then redis.call('EXPIRE', key, ttl) end
        end
        """;

    // KEYS: pairs (row hash, mark of the old layout). claimant: this run's '<job>:<run>'; job_prefix: '<job>:' (any run
    // of the job); failed_prefix: the prefixed name of failed-run markers (a claimant is appended).
    // 1 = new, or claimed by an earlier run of this job (a retry with the same idempotency key) or by a run that
    // failed; 2 = this run claimed it already (a duplicate inside the job); 0 = sent, or claimed by another live job.
    public static readonly RedisScript Claim = new(
        "claim rows",
        [],
        ["claimant", "job_prefix", "pending_ttl", "failed_prefix", "window_s"],
        Mark + "\n" + """
        local now = tonumber(redis.call('TIME')[1])
        local pending, window = tonumber(pending_ttl), tonumber(window_s)
        local result = {}
        for i = 1, #KEYS, 2 do
          local holder = live(KEYS[i], KEYS[i + 1], now, window)
          local code = 0
          if not holder then
            code = 1
          elseif holder == claimant then
            code = 2
          elseif string.sub(holder, 1, #job_prefix) == job_prefix
              or (string.sub(holder, 1, 5) ~= 'sent:' and redis.call('EXISTS', failed_prefix .. holder) == 1) then
            code = 1
          end
          if code == 1 then hold(KEYS[i], claimant .. '|' .. (now + pending), pending) end
          result[#result + 1] = code
        end
        return result
        """);

    // KEYS: row hashes. One command a batch rather than one write a row.
    public static readonly RedisScript Commit = new(
        "commit rows",
        [],
        ["window_s"],
        Mark + "\n" + """
        local now = tonumber(redis.call('TIME')[1])
        for _, key in ipairs(KEYS) do hold(key, 's|' .. now, tonumber(window_s)) end
        return #KEYS
        """);

    // KEYS: row hashes. Frees only rows this run still holds; the hash goes with its last field.
    public static readonly RedisScript Release = new(
        "release rows",
        [],
        ["claimant"],
        """
        local released = 0
        for _, key in ipairs(KEYS) do
          local q = redis.call('HGET', key, 'q')
          if q and string.sub(q, 1, #claimant + 1) == claimant .. '|' then
            redis.call('HDEL', key, 'q')
            released = released + 1
          end
        end
        return released
        """);

    // KEYS: pairs as for a claim. 1 = sent or claimed.
    public static readonly RedisScript Seen = new(
        "find rows seen",
        [],
        ["window_s"],
        Mark + "\n" + """
        local now = tonumber(redis.call('TIME')[1])
        local result = {}
        for i = 1, #KEYS, 2 do
          result[#result + 1] = live(KEYS[i], KEYS[i + 1], now, tonumber(window_s)) and 1 or 0
        end
        return result
        """);
}
