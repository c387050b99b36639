namespace ClayBus.Enricher.Credits;

/// <summary>
/// The ledger's atomic steps, in milli-credits (integers: no rounding drift between instances). Per day and per
/// month a hash holds <c>reserved</c> and <c>spent</c>; per row a key holds <c>r|day|milli</c> (reserved) or
/// <c>s|day|milli</c> (settled), which makes every step idempotent per row.
/// </summary>
internal static class CreditLedgerScripts
{
    // KEYS: 1 day hash, 2 month hash, 3 limits hash, 4.. row keys.
    // ARGV: 1 day, 2 default daily, 3 default monthly (-1 none), 4 per row, 5 alert share, 6 row ttl s.
    // → { reserved (1|0), needed, used after (or before, when refused), daily limit, first alert or first exhaustion }
    public const string Reserve = """
        local daily = tonumber(redis.call('HGET', KEYS[3], 'daily') or ARGV[2])
        local monthly = tonumber(redis.call('HGET', KEYS[3], 'monthly') or ARGV[3])
        local function used(key)
          local v = redis.call('HMGET', key, 'reserved', 'spent')
          return (tonumber(v[1]) or 0) + (tonumber(v[2]) or 0)
        end
        local day_used, month_used = used(KEYS[1]), used(KEYS[2])
        local per = tonumber(ARGV[4])
        local need = 0
        for i = 4, #KEYS do
          if redis.call('EXISTS', KEYS[i]) == 0 then need = need + per end
        end
        if day_used + need > daily or (monthly >= 0 and month_used + need > monthly) then
          local first = redis.call('HSETNX', KEYS[1], 'exhausted', '1')
          return { 0, need, day_used, daily, first }
        end
        for i = 4, #KEYS do
          if redis.call('EXISTS', KEYS[i]) == 0 then
            redis.call('SET', KEYS[i], 'r|' .. ARGV[1] .. '|' .. per, 'EX', tonumber(ARGV[6]))
          end
        end
        redis.call('HINCRBY', KEYS[1], 'reserved', need)
        redis.call('HINCRBY', KEYS[2], 'reserved', need)
        local alert = 0
        if day_used + need >= daily * tonumber(ARGV[5]) then
          alert = redis.call('HSETNX', KEYS[1], 'alerted', '1')
        end
        return { 1, need, day_used + need, daily, alert }
        """;

    // KEYS: 1 row key, 2 day hash, 3 month hash. ARGV: 1 the day the caller read from the row key ('' if none),
    // 2 actual milli, 3 ttl s. → 1 settled, 0 already settled, -1 the row changed under us (read again).
    public const string Settle = """
        local v = redis.call('GET', KEYS[1])
        local state, day, milli = nil, '', 0
        if v then
          state, day, milli = string.match(v, '^(%a)|([^|]*)|(%-?%d+)$')
          milli = tonumber(milli) or 0
        end
        if state == 's' then return 0 end
        if day ~= ARGV[1] then return -1 end
        local actual = tonumber(ARGV[2])
        if state == 'r' then
          redis.call('HINCRBY', KEYS[2], 'reserved', -milli)
          redis.call('HINCRBY', KEYS[3], 'reserved', -milli)
        end
        redis.call('HINCRBY', KEYS[2], 'spent', actual)
        redis.call('HINCRBY', KEYS[3], 'spent', actual)
        redis.call('SET', KEYS[1], 's|' .. ARGV[1] .. '|' .. actual, 'EX', tonumber(ARGV[3]))
        return 1
        """;

    // KEYS: 1 day hash, 2 month hash, 3.. row keys. ARGV: 1 day. Releases rows still reserved on that day.
    public const string Release = """
        local released = 0
        for i = 3, #KEYS do
          local v = redis.call('GET', KEYS[i])
          if v then
            local state, day, milli = string.match(v, '^(%a)|([^|]*)|(%-?%d+)$')
            if state == 'r' and day == ARGV[1] then
              released = released + tonumber(milli)
              redis.call('DEL', KEYS[i])
            end
          end
        end
        redis.call('HINCRBY', KEYS[1], 'reserved', -released)
        redis.call('HINCRBY', KEYS[2], 'reserved', -released)
        return released
        """;

    // KEYS: 1 limits hash, 2 day hash. ARGV: 1 daily, 2 monthly (-1 none, '' unchanged), 3 default daily.
    // → { old daily, used, was exhausted and now has room (1|0) }
    public const string ChangeLimit = """
        local old = tonumber(redis.call('HGET', KEYS[1], 'daily') or ARGV[3])
        redis.call('HSET', KEYS[1], 'daily', ARGV[1])
        if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'monthly', ARGV[2]) end
        local v = redis.call('HMGET', KEYS[2], 'reserved', 'spent', 'exhausted')
        local used = (tonumber(v[1]) or 0) + (tonumber(v[2]) or 0)
        local freed = 0
        if v[3] and used < tonumber(ARGV[1]) then
          redis.call('HDEL', KEYS[2], 'exhausted')
          freed = 1
        end
        if tonumber(ARGV[1]) > old then redis.call('HDEL', KEYS[2], 'alerted') end
        return { old, used, freed }
        """;
}
