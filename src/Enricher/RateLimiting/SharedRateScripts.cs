namespace ClayBus.Enricher.RateLimiting;

/// <summary>
/// GCRA over one Redis hash per workspace, timed by Redis's own clock so every process agrees on "now".
/// A caller reserves its slot (the theoretical arrival time moves on at once) and sleeps until it: callers are served
/// in order across processes, a large request cannot be starved by small ones, and the client's bucket is never
/// fuller than <c>burst</c> records.
/// </summary>
internal static class SharedRateScripts
{
    // KEYS[1] state hash (tat µs, rate r/s, rate_at µs, dec_at µs, granted:<class> µs)
    // ARGV: 1 permits, 2 ceiling r/s, 3 burst, 4 increase r/s per s, 5 max ahead µs, 6 minimum r/s,
    // 7 class horizon µs, 8 class owed-after µs (0: never), 9 class name ('' for none)
    // → { reserved (0|1), reserved: wait µs until the slot, refused: µs before asking again, rate in milli-records/s,
    //     Redis's now µs }. The class rule is ClassGrantDecision's, executed here atomically.
    public const string Reserve = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local n = tonumber(ARGV[1])
        local ceiling = tonumber(ARGV[2])
        local burst = tonumber(ARGV[3])
        local max_ahead = tonumber(ARGV[5])
        local horizon = tonumber(ARGV[7])
        local owed_after = tonumber(ARGV[8])
        local class = ARGV[9]
        local s = redis.call('HMGET', KEYS[1], 'tat', 'rate', 'rate_at')
        local tat = tonumber(s[1]) or now
        local rate = tonumber(s[2]) or ceiling
        local rate_at = tonumber(s[3]) or now
        rate = math.max(tonumber(ARGV[6]), math.min(ceiling, rate + tonumber(ARGV[4]) * (now - rate_at) / 1000000))
        local interval = 1000000 / rate
        local new_tat = math.max(tat, now) + n * interval
        local wait = math.ceil(new_tat - burst * interval - now)
        if wait > max_ahead then
          return { 0, wait - max_ahead, math.floor(rate * 1000), now }
        end
        local last = nil
        if owed_after > 0 then
          last = tonumber(redis.call('HGET', KEYS[1], 'granted:' .. class))
        end
        local owed = owed_after > 0 and (last == nil or now - last >= owed_after)
        if wait <= horizon or owed then
          redis.call('HSET', KEYS[1], 'tat', new_tat)
          if class ~= '' then
            redis.call('HSET', KEYS[1], 'granted:' .. class, now)
          end
          redis.call('PEXPIRE', KEYS[1], 86400000)
          return { 1, math.max(0, wait), math.floor(rate * 1000), now }
        end
        local again = wait - horizon
        if owed_after > 0 then
          again = math.min(again, math.max(1, last + owed_after - now))
        end
        return { 0, again, math.floor(rate * 1000), now }
        """;

    // KEYS[1] state hash. ARGV: 1 retry-after µs, 2 ceiling r/s, 3 burst, 4 increase r/s per s, 5 decrease factor,
    // 6 minimum r/s, 7 isolated decrease factor, 8 repeat window µs → new rate in milli-records/s.
    // Many callers see the same 429 storm at once: the rate is cut once per Retry-After window, not once per caller.
    // A cut within the repeat window of the last one is the full decrease (the rate is too high); a lone 429 after a
    // quiet spell is most likely one request that came late, and only trims the rate.
    public const string Backoff = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local retry_after = tonumber(ARGV[1])
        local ceiling = tonumber(ARGV[2])
        local s = redis.call('HMGET', KEYS[1], 'tat', 'rate', 'rate_at', 'dec_at')
        local tat = tonumber(s[1]) or now
        local rate = tonumber(s[2]) or ceiling
        local rate_at = tonumber(s[3]) or now
        local dec_at = tonumber(s[4]) or 0
        rate = math.max(tonumber(ARGV[6]), math.min(ceiling, rate + tonumber(ARGV[4]) * (now - rate_at) / 1000000))
        if now - dec_at >= math.max(retry_after, 1000000) then
          local factor = tonumber(ARGV[7])
          if now - dec_at < tonumber(ARGV[8]) then
            factor = tonumber(ARGV[5])
          end
          rate = math.max(tonumber(ARGV[6]), rate * factor)
          redis.call('HSET', KEYS[1], 'rate', rate, 'rate_at', now, 'dec_at', now)
        end
        -- Clay's bucket is empty now: ours is empty when the wait is over.
        local empty_at = now + retry_after + tonumber(ARGV[3]) * 1000000 / rate
        if empty_at > tat then
          redis.call('HSET', KEYS[1], 'tat', empty_at)
        end
        redis.call('PEXPIRE', KEYS[1], 86400000)
        return math.floor(rate * 1000)
        """;
}
