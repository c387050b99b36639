namespace ClayBus.Enricher.Credits;

/// <summary>
/// The ledger's atomic steps in Clay's two meters: Data Credits in milli-credits (integers: no rounding drift between
/// instances) and Actions. Per day and per month a hash holds <c>reserved</c>, <c>spent</c>, <c>actions_reserved</c>
/// and <c>actions_spent</c>; per row a key holds <c>r|day|milli|actions|table</c> (reserved) or the same with
/// <c>s</c> (settled), which makes every step idempotent per row. The rules are <see cref="ReservationDecision"/> and
/// <see cref="SettlementDecision"/>: these scripts only execute them atomically.
/// </summary>
internal static class CreditLedgerScripts
{
    // Reads a row value; rows reserved before the Actions meter have neither Actions nor a table.
    private const string ParseRow = """
        local function parse(v)
          if not v then return nil end
          local s, d, m, a, t = string.match(v, '^(%a)|([^|]*)|(%-?%d+)|(%-?%d+)|(.*)$')
          if s then return s, d, tonumber(m), tonumber(a), t end
          s, d, m = string.match(v, '^(%a)|([^|]*)|(%-?%d+)$')
          return s, d, tonumber(m), 0, ''
        end
        """;

    // KEYS: 1 day hash, 2 month hash, 3 limits hash, 4.. row keys.
    // ARGV: 1 day, 2 default daily milli, 3 default monthly milli (-1 none), 4 milli per row, 5 actions per row,
    // 6 alert share, 7 row ttl s, 8 table, 9 default actions daily (-1 none), 10 default actions monthly (-1 none).
    // → { reserved (1|0), milli needed, day used after (before, when refused), daily limit, first alert or first
    //     exhaustion, actions needed, refusal code (BudgetRefusal) }
    public const string Reserve = """
        local limits = redis.call('HMGET', KEYS[3], 'daily', 'monthly', 'actions_daily', 'actions_monthly')
        local daily = tonumber(limits[1] or ARGV[2])
        local monthly = tonumber(limits[2] or ARGV[3])
        local a_daily = tonumber(limits[3] or ARGV[9])
        local a_monthly = tonumber(limits[4] or ARGV[10])
        local function used(key, r, s)
          local v = redis.call('HMGET', key, r, s)
          return (tonumber(v[1]) or 0) + (tonumber(v[2]) or 0)
        end
        local day_used, month_used = used(KEYS[1], 'reserved', 'spent'), used(KEYS[2], 'reserved', 'spent')
        local a_day_used, a_month_used = used(KEYS[1], 'actions_reserved', 'actions_spent'), used(KEYS[2], 'actions_reserved', 'actions_spent')
        local per, per_a = tonumber(ARGV[4]), tonumber(ARGV[5])
        local need, need_a = 0, 0
        for i = 4, #KEYS do
          if redis.call('EXISTS', KEYS[i]) == 0 then need = need + per; need_a = need_a + per_a end
        end
        local function over(u, n, l) return l >= 0 and u + n > l end
        local refusal = 0
        if over(day_used, need, daily) then refusal = 1
        elseif over(month_used, need, monthly) then refusal = 2
        elseif over(a_day_used, need_a, a_daily) then refusal = 3
        elseif over(a_month_used, need_a, a_monthly) then refusal = 4 end
        if refusal > 0 then
          local first = redis.call('HSETNX', KEYS[1], 'exhausted', '1')
          return { 0, need, day_used, daily, first, need_a, refusal }
        end
        for i = 4, #KEYS do
          if redis.call('EXISTS', KEYS[i]) == 0 then
            redis.call('SET', KEYS[i], 'r|' .. ARGV[1] .. '|' .. per .. '|' .. per_a .. '|' .. ARGV[8], 'EX', tonumber(ARGV[7]))
          end
        end
        redis.call('HINCRBY', KEYS[1], 'reserved', need)
        redis.call('HINCRBY', KEYS[2], 'reserved', need)
        redis.call('HINCRBY', KEYS[1], 'actions_reserved', need_a)
        redis.call('HINCRBY', KEYS[2], 'actions_reserved', need_a)
        local alert = 0
        if day_used + need >= daily * tonumber(ARGV[6]) then
          alert = redis.call('HSETNX', KEYS[1], 'alerted', '1')
        end
        return { 1, need, day_used + need, daily, alert, need_a, 0 }
        """;

    // KEYS: 1 row key, 2 day hash, 3 month hash. ARGV: 1 the day the caller read from the row key ('' if none),
    // 2 table, 3 actual milli, 4 actual actions, 5 ttl s, 6 credits unknown (1|0), 7 max milli, 8 max actions.
    // → { SettlementResult code, reserved milli, reserved actions }
    public const string Settle = ParseRow + "\n" + """
        local state, day, milli, actions, tbl = parse(redis.call('GET', KEYS[1]))
        if not state then return { -2, 0, 0 } end
        if state == 's' then return { 0, milli, actions } end
        if state ~= 'r' then return { -2, 0, 0 } end
        if tbl ~= '' and tbl ~= ARGV[2] then return { -3, milli, actions } end
        if ARGV[6] == '1' then return { 2, milli, actions } end
        local actual, actual_a = tonumber(ARGV[3]), tonumber(ARGV[4])
        if actual < 0 or actual_a < 0 or actual > tonumber(ARGV[7]) or actual_a > tonumber(ARGV[8]) then return { -4, milli, actions } end
        if day ~= ARGV[1] then return { -1, milli, actions } end
        redis.call('HINCRBY', KEYS[2], 'reserved', 0 - milli)
        redis.call('HINCRBY', KEYS[3], 'reserved', 0 - milli)
        redis.call('HINCRBY', KEYS[2], 'actions_reserved', 0 - actions)
        redis.call('HINCRBY', KEYS[3], 'actions_reserved', 0 - actions)
        redis.call('HINCRBY', KEYS[2], 'spent', actual)
        redis.call('HINCRBY', KEYS[3], 'spent', actual)
        redis.call('HINCRBY', KEYS[2], 'actions_spent', actual_a)
        redis.call('HINCRBY', KEYS[3], 'actions_spent', actual_a)
        redis.call('SET', KEYS[1], 's|' .. day .. '|' .. actual .. '|' .. actual_a .. '|' .. tbl, 'EX', tonumber(ARGV[5]))
        return { 1, milli, actions }
        """;

    // KEYS: 1 day hash, 2 month hash, 3.. row keys. ARGV: 1 day. Releases rows still reserved on that day.
    public const string Release = ParseRow + "\n" + """
        local released, released_a = 0, 0
        for i = 3, #KEYS do
          local state, day, milli, actions = parse(redis.call('GET', KEYS[i]))
          if state == 'r' and day == ARGV[1] then
            released = released + milli
            released_a = released_a + actions
            redis.call('DEL', KEYS[i])
          end
        end
        redis.call('HINCRBY', KEYS[1], 'reserved', 0 - released)
        redis.call('HINCRBY', KEYS[2], 'reserved', 0 - released)
        redis.call('HINCRBY', KEYS[1], 'actions_reserved', 0 - released_a)
        redis.call('HINCRBY', KEYS[2], 'actions_reserved', 0 - released_a)
        return released
        """;

    // KEYS: 1 limits hash, 2 day hash. ARGV: 1 daily, 2 monthly (-1 none, '' unchanged), 3 default daily,
    // 4 actions daily (-1 none, '' unchanged), 5 actions monthly (-1 none, '' unchanged), 6 default actions daily.
    // → { old daily, used, was exhausted and now has room (1|0) }
    public const string ChangeLimit = """
        local old = tonumber(redis.call('HGET', KEYS[1], 'daily') or ARGV[3])
        redis.call('HSET', KEYS[1], 'daily', ARGV[1])
        if ARGV[2] ~= '' then redis.call('HSET', KEYS[1], 'monthly', ARGV[2]) end
        if ARGV[4] ~= '' then redis.call('HSET', KEYS[1], 'actions_daily', ARGV[4]) end
        if ARGV[5] ~= '' then redis.call('HSET', KEYS[1], 'actions_monthly', ARGV[5]) end
        local v = redis.call('HMGET', KEYS[2], 'reserved', 'spent', 'exhausted', 'actions_reserved', 'actions_spent')
        local used = (tonumber(v[1]) or 0) + (tonumber(v[2]) or 0)
        local a_used = (tonumber(v[4]) or 0) + (tonumber(v[5]) or 0)
        local a_limit = tonumber(redis.call('HGET', KEYS[1], 'actions_daily') or ARGV[6])
        local freed = 0
        if v[3] and used < tonumber(ARGV[1]) and (a_limit < 0 or a_used < a_limit) then
          redis.call('HDEL', KEYS[2], 'exhausted')
          freed = 1
        end
        if tonumber(ARGV[1]) > old then redis.call('HDEL', KEYS[2], 'alerted') end
        return { old, used, freed }
        """;

    // KEYS: 1 hold hash of a table. ARGV: 1 field (meter[:provider]), 2 charged (milli or actions). Keeps the largest.
    public const string Hold = """
        local v = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1')
        if tonumber(ARGV[2]) > v then redis.call('HSET', KEYS[1], ARGV[1], ARGV[2]) end
        return 1
        """;
}
