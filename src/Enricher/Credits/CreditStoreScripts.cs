using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Enricher.Credits;

/// <summary>
/// The ledger's atomic steps in Clay's two meters: Data Credits in milli-credits (integers: no rounding drift between
/// instances) and Actions. Per day and per month a hash holds <c>reserved</c>, <c>spent</c>, <c>actions_reserved</c>
/// and <c>actions_spent</c>; per row a key holds <c>r|day|milli|actions|table</c> (reserved) or the same with
/// <c>s</c> (settled), which makes every step idempotent per row. The rules are <see cref="ReservationDecision"/> and
/// <see cref="SettlementDecision"/>: these scripts only execute them atomically.
/// </summary>
public static class CreditStoreScripts
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

    // The row keys follow the named keys. Limits: -1 none.
    // → { reserved (1|0), milli needed, day used after (before, when refused), daily limit, first alert or first
    //     exhaustion, actions needed, refusal code (BudgetRefusal) }
    public static readonly RedisScript Reserve = new(
        "reserve credits for rows",
        ["day_hash", "month_hash", "limits_hash"],
        ["day", "default_daily", "default_monthly", "milli_per_row", "actions_per_row", "alert_share", "row_ttl_s", "table_key", "default_actions_daily", "default_actions_monthly"],
        """
        local limits = redis.call('HMGET', limits_hash, 'daily', 'monthly', 'actions_daily', 'actions_monthly')
        local daily = tonumber(limits[1] or default_daily)
        local monthly = tonumber(limits[2] or default_monthly)
        local a_daily = tonumber(limits[3] or default_actions_daily)
        local a_monthly = tonumber(limits[4] or default_actions_monthly)
        local function used(key, r, s)
          local v = redis.call('HMGET', key, r, s)
          return (tonumber(v[1]) or 0) + (tonumber(v[2]) or 0)
        end
        local day_used, month_used = used(day_hash, 'reserved', 'spent'), used(month_hash, 'reserved', 'spent')
        local a_day_used, a_month_used = used(day_hash, 'actions_reserved', 'actions_spent'), used(month_hash, 'actions_reserved', 'actions_spent')
        local per, per_a = tonumber(milli_per_row), tonumber(actions_per_row)
        local need, need_a = 0, 0
        for i = first_rest_key, #KEYS do
          if redis.call('EXISTS', KEYS[i]) == 0 then need = need + per; need_a = need_a + per_a end
        end
        local function over(u, n, l) return l >= 0 and u + n > l end
        local refusal = 0
        if over(day_used, need, daily) then refusal = 1
        elseif over(month_used, need, monthly) then refusal = 2
        elseif over(a_day_used, need_a, a_daily) then refusal = 3
        elseif over(a_month_used, need_a, a_monthly) then refusal = 4 end
        if refusal > 0 then
          local first = redis.call('HSETNX', day_hash, 'exhausted', '1')
          return { 0, need, day_used, daily, first, need_a, refusal }
        end
        for i = first_rest_key, #KEYS do
          if redis.call('EXISTS', KEYS[i]) == 0 then
            redis.call('SET', KEYS[i], 'r|' .. day .. '|' .. per .. '|' .. per_a .. '|' .. table_key, 'EX', tonumber(row_ttl_s))
          end
        end
        redis.call('HINCRBY', day_hash, 'reserved', need)
        redis.call('HINCRBY', month_hash, 'reserved', need)
        redis.call('HINCRBY', day_hash, 'actions_reserved', need_a)
        redis.call('HINCRBY', month_hash, 'actions_reserved', need_a)
        local alert = 0
        if day_used + need >= daily * tonumber(alert_share) then
          alert = redis.call('HSETNX', day_hash, 'alerted', '1')
        end
        return { 1, need, day_used + need, daily, alert, need_a, 0 }
        """);

    // read_day: the day the caller read from the row key ('' if none); credits_unknown: 1|0.
    // → { SettlementResult code, reserved milli, reserved actions }
    public static readonly RedisScript Settle = new(
        "settle a row",
        ["row_key", "day_hash", "month_hash"],
        ["read_day", "table_key", "actual_milli", "actual_actions", "ttl_s", "credits_unknown", "max_milli", "max_actions"],
        ParseRow + "\n" + """
        local state, day, milli, actions, tbl = parse(redis.call('GET', row_key))
        if not state then return { -2, 0, 0 } end
        if state == 's' then return { 0, milli, actions } end
        if state ~= 'r' then return { -2, 0, 0 } end
        if tbl ~= '' and tbl ~= table_key then return { -3, milli, actions } end
        if credits_unknown == '1' then return { 2, milli, actions } end
        local actual, actual_a = tonumber(actual_milli), tonumber(actual_actions)
        if actual < 0 or actual_a < 0 or actual > tonumber(max_milli) or actual_a > tonumber(max_actions) then return { -4, milli, actions } end
        if day ~= read_day then return { -1, milli, actions } end
        redis.call('HINCRBY', day_hash, 'reserved', 0 - milli)
        redis.call('HINCRBY', month_hash, 'reserved', 0 - milli)
        redis.call('HINCRBY', day_hash, 'actions_reserved', 0 - actions)
        redis.call('HINCRBY', month_hash, 'actions_reserved', 0 - actions)
        redis.call('HINCRBY', day_hash, 'spent', actual)
        redis.call('HINCRBY', month_hash, 'spent', actual)
        redis.call('HINCRBY', day_hash, 'actions_spent', actual_a)
        redis.call('HINCRBY', month_hash, 'actions_spent', actual_a)
        redis.call('SET', row_key, 's|' .. day .. '|' .. actual .. '|' .. actual_a .. '|' .. tbl, 'EX', tonumber(ttl_s))
        return { 1, milli, actions }
        """);

    // The row keys follow the named keys. Releases rows still reserved on that day. → milli released.
    public static readonly RedisScript Release = new(
        "release reserved rows",
        ["day_hash", "month_hash"],
        ["release_day"],
        ParseRow + "\n" + """
        local released, released_a = 0, 0
        for i = first_rest_key, #KEYS do
          local state, day, milli, actions = parse(redis.call('GET', KEYS[i]))
          if state == 'r' and day == release_day then
            released = released + milli
            released_a = released_a + actions
            redis.call('DEL', KEYS[i])
          end
        end
        redis.call('HINCRBY', day_hash, 'reserved', 0 - released)
        redis.call('HINCRBY', month_hash, 'reserved', 0 - released)
        redis.call('HINCRBY', day_hash, 'actions_reserved', 0 - released_a)
        redis.call('HINCRBY', month_hash, 'actions_reserved', 0 - released_a)
        return released
        """);

    // Limits: -1 none, '' unchanged (daily is always given).
    // → { old daily, used, was exhausted and now has room (1|0) }
    public static readonly RedisScript ChangeLimit = new(
        "change the budget limits",
        ["limits_hash", "day_hash"],
        ["daily", "monthly", "default_daily", "actions_daily", "actions_monthly", "default_actions_daily"],
        """
        local old = tonumber(redis.call('HGET', limits_hash, 'daily') or default_daily)
        redis.call('HSET', limits_hash, 'daily', daily)
        if monthly ~= '' then redis.call('HSET', limits_hash, 'monthly', monthly) end
        if actions_daily ~= '' then redis.call('HSET', limits_hash, 'actions_daily', actions_daily) end
        if actions_monthly ~= '' then redis.call('HSET', limits_hash, 'actions_monthly', actions_monthly) end
        local v = redis.call('HMGET', day_hash, 'reserved', 'spent', 'exhausted', 'actions_reserved', 'actions_spent')
        local used = (tonumber(v[1]) or 0) + (tonumber(v[2]) or 0)
        local a_used = (tonumber(v[4]) or 0) + (tonumber(v[5]) or 0)
        local a_limit = tonumber(redis.call('HGET', limits_hash, 'actions_daily') or default_actions_daily)
        local freed = 0
        if v[3] and used < tonumber(daily) and (a_limit < 0 or a_used < a_limit) then
          redis.call('HDEL', day_hash, 'exhausted')
          freed = 1
        end
        if tonumber(daily) > old then redis.call('HDEL', day_hash, 'alerted') end
        return { old, used, freed }
        """);

    // field: meter[:provider]; charged: milli or Actions. Keeps the largest.
    public static readonly RedisScript Hold = new(
        "hold a table",
        ["hold_hash"],
        ["field", "charged"],
        """
        local v = tonumber(redis.call('HGET', hold_hash, field) or '-1')
        if tonumber(charged) > v then redis.call('HSET', hold_hash, field, charged) end
        return 1
        """);
}
