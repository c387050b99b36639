using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.Enricher.RateLimiting;

/// <summary>
/// GCRA over one Redis hash per workspace, timed by Redis's own clock so every process agrees on "now".
/// A caller reserves its slot (the theoretical arrival time moves on at once) and sleeps until it: callers are served
/// in order across processes, a large request cannot be starved by small ones, and the client's bucket is never
/// fuller than <c>burst</c> records. The rules are <see cref="ClassGrantDecision"/> and <see cref="BackoffDecision"/>:
/// these scripts execute them atomically, and the parity specs run the same cases through both.
/// </summary>
public static class SharedRateScripts
{
    // state: hash of tat µs, rate r/s, rate_at µs, dec_at µs, granted:<class> µs. Rates in r/s, times in µs.
    // owed_after 0: never owed; class '' for none.
    // → { reserved (0|1), reserved: wait µs until the slot, refused: µs before asking again, rate in milli-records/s,
    //     Redis's now µs }
    public static readonly RedisScript Reserve = new(
        "reserve a rate slot",
        ["state"],
        ["permits", "ceiling", "burst", "increase", "max_ahead", "minimum", "horizon", "owed_after", "class"],
        """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local n = tonumber(permits)
        ceiling = tonumber(ceiling)
        burst = tonumber(burst)
        max_ahead = tonumber(max_ahead)
        horizon = tonumber(horizon)
        owed_after = tonumber(owed_after)
        local s = redis.call('HMGET', state, 'tat', 'rate', 'rate_at')
        local tat = tonumber(s[1]) or now
        local rate = tonumber(s[2]) or ceiling
        local rate_at = tonumber(s[3]) or now
        -- BackoffDecision.RateAt
        rate = math.max(tonumber(minimum), math.min(ceiling, rate + tonumber(increase) * (now - rate_at) / 1000000))
        -- ClassGrantDecision.Decide
        local interval = 1000000 / rate
        local new_tat = math.max(tat, now) + n * interval
        local wait = math.ceil(new_tat - burst * interval - now)
        if wait > max_ahead then
          return { 0, wait - max_ahead, math.floor(rate * 1000), now }
        end
        local last = nil
        if owed_after > 0 then
          last = tonumber(redis.call('HGET', state, 'granted:' .. class))
        end
        local owed = owed_after > 0 and (last == nil or now - last >= owed_after)
        if wait <= horizon or owed then
          redis.call('HSET', state, 'tat', new_tat)
          if class ~= '' then
            redis.call('HSET', state, 'granted:' .. class, now)
          end
          redis.call('PEXPIRE', state, 86400000)
          return { 1, math.max(0, wait), math.floor(rate * 1000), now }
        end
        local again = wait - horizon
        if owed_after > 0 then
          again = math.min(again, math.max(1, last + owed_after - now))
        end
        return { 0, again, math.floor(rate * 1000), now }
        """);

    // state: as Reserve's. decrease: factor of a repeated cut, isolated_decrease: of a lone one.
    // → { new rate in milli-records/s, Redis's now µs }
    public static readonly RedisScript Backoff = new(
        "back off after a 429",
        ["state"],
        ["retry_after", "ceiling", "burst", "increase", "decrease", "minimum", "isolated_decrease", "repeat_window"],
        """
        -- BackoffDecision.Decide
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        retry_after = tonumber(retry_after)
        ceiling = tonumber(ceiling)
        local s = redis.call('HMGET', state, 'tat', 'rate', 'rate_at', 'dec_at')
        local tat = tonumber(s[1]) or now
        local rate = tonumber(s[2]) or ceiling
        local rate_at = tonumber(s[3]) or now
        local dec_at = tonumber(s[4]) or 0
        rate = math.max(tonumber(minimum), math.min(ceiling, rate + tonumber(increase) * (now - rate_at) / 1000000))
        if now - dec_at >= math.max(retry_after, 1000000) then
          local factor = tonumber(isolated_decrease)
          if now - dec_at < tonumber(repeat_window) then
            factor = tonumber(decrease)
          end
          rate = math.max(tonumber(minimum), rate * factor)
          redis.call('HSET', state, 'rate', rate, 'rate_at', now, 'dec_at', now)
        end
        local empty_at = now + retry_after + tonumber(burst) * 1000000 / rate
        if empty_at > tat then
          redis.call('HSET', state, 'tat', empty_at)
        end
        redis.call('PEXPIRE', state, 86400000)
        return { math.floor(rate * 1000), now }
        """);

    /// <summary>Runs <see cref="Reserve"/>; the answer is Redis's raw reply (see the script).</summary>
    public static async Task<long[]> ReserveAsync(IDatabaseAsync database, RedisKey state, int permits, RateLimitOptions o, ClassTerms terms, string className)
    {
        var reply = await Reserve.EvaluateAsync(
            database,
            [("state", state)],
            [
                ("permits", permits), ("ceiling", o.SustainedRecordsPerSecond), ("burst", o.EffectiveBurst), ("increase", o.IncreasePerSecond),
                ("max_ahead", o.MaxReserveAheadSeconds * 1_000_000L), ("minimum", Minimum(o)), ("horizon", terms.HorizonMicros),
                ("owed_after", terms.OwedAfterMicros), ("class", className),
            ]);
        return (long[])reply!;
    }

    /// <summary>Runs <see cref="Backoff"/>: { new rate in milli-records/s, Redis's now µs }.</summary>
    public static async Task<long[]> BackoffAsync(IDatabaseAsync database, RedisKey state, TimeSpan retryAfter, RateLimitOptions o)
    {
        var reply = await Backoff.EvaluateAsync(
            database,
            [("state", state)],
            [
                ("retry_after", (long)(retryAfter.TotalMilliseconds * 1000)), ("ceiling", o.SustainedRecordsPerSecond), ("burst", o.EffectiveBurst),
                ("increase", o.IncreasePerSecond), ("decrease", o.DecreaseFactor), ("minimum", Minimum(o)),
                ("isolated_decrease", o.IsolatedDecreaseFactor), ("repeat_window", o.RepeatWindowSeconds * 1_000_000L),
            ]);
        return (long[])reply!;
    }

    private static double Minimum(RateLimitOptions o) => o.RecordsPerSecond * o.MinimumShare;
}
