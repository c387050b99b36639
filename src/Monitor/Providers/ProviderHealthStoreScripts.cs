using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Monitor.Providers;

/// <summary><see cref="ProviderHealthStore"/>'s atomic steps, with named keys and arguments.</summary>
public static class ProviderHealthStoreScripts
{
    // Push, trim and count in one step: two instances recording at once must not both read a half-trimmed list.
    // Names come from callbacks: past the cap of known names a new one is counted under 'other' (its own window), so
    // a garbled or forged name cannot add keys and metric series without bound.
    public static readonly RedisScript Record = new(
        "record a provider outcome",
        ["window_key", "other_window_key", "known_key"],
        ["outcome", "size", "given_provider", "max"],
        """
        local window, provider = window_key, given_provider
        if redis.call('SISMEMBER', known_key, provider) == 0 and redis.call('SCARD', known_key) >= tonumber(max) then
          window, provider = other_window_key, 'other'
        end
        redis.call('LPUSH', window, outcome)
        redis.call('LTRIM', window, 0, tonumber(size) - 1)
        redis.call('SADD', known_key, provider)
        local items = redis.call('LRANGE', window, 0, -1)
        local ones = 0
        for _, v in ipairs(items) do if v == '1' then ones = ones + 1 end end
        return { #items, ones, provider }
        """);

    // Envoy's max_ejection_percent, enforced across instances: the count and the add are one atomic step. A provider
    // that recovered since the caller read the degraded marks is not ejected again: nothing would ever restore it.
    public static readonly RedisScript Eject = new(
        "eject a provider",
        ["ejected_key", "degraded_key"],
        ["provider", "max", "score"],
        """
        if redis.call('HEXISTS', degraded_key, provider) == 0 then return -2 end
        if redis.call('ZSCORE', ejected_key, provider) then return 0 end
        if redis.call('ZCARD', ejected_key) >= tonumber(max) then return -1 end
        redis.call('ZADD', ejected_key, score, provider)
        return 1
        """);

    // Ejected providers in ejection order, dropping any that is no longer degraded (an ejection left by an older
    // Monitor's race, or by a crash between clearing the mark and the ejection).
    public static readonly RedisScript Ejected = new(
        "read the ejected providers",
        ["ejected_key", "degraded_key"],
        [],
        """
        local result = {}
        for _, provider in ipairs(redis.call('ZRANGE', ejected_key, 0, -1)) do
          if redis.call('HEXISTS', degraded_key, provider) == 1 then
            table.insert(result, provider)
          else
            redis.call('ZREM', ejected_key, provider)
          end
        end
        return result
        """);

    // The route and its version move together, so the version orders every change any instance made to the table.
    // The version is Redis's clock in milliseconds (or the last one + 1 within a millisecond): were these keys deleted,
    // to reset provider health, new versions would still pass the ones the Submitter applied.
    public static readonly RedisScript SetRoute = new(
        "set a table's route",
        ["routes_key", "versions_key"],
        ["table_name", "route"],
        """
        local old = redis.call('HGET', routes_key, table_name)
        if old == false then old = '' end
        if old == route then return 0 end
        redis.call('HSET', routes_key, table_name, route)
        local time = redis.call('TIME')
        local version = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
        local last = tonumber(redis.call('HGET', versions_key, table_name) or '0')
        if version <= last then version = last + 1 end
        redis.call('HSET', versions_key, table_name, string.format('%d', version))
        return version
        """);
}
