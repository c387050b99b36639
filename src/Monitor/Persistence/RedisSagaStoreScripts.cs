using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Monitor.Persistence;

/// <summary>The saga store's atomic steps, with named keys and arguments.</summary>
public static class RedisSagaStoreScripts
{
    // expected: the version read ('' = must not exist); ttl_ms: 0 = keep forever; the mark field/value pairs follow
    // the named arguments. A new instance starts with no marks. → 1 written, 0 lost the race.
    public static readonly RedisScript CompareAndSet = new(
        "compare and set a saga",
        ["instance", "marks"],
        ["expected", "version", "json", "ttl_ms"],
        """
        local current = redis.call('HGET', instance, 'v')
        if expected == '' then
          if current then return 0 end
          redis.call('DEL', marks)
        elseif current ~= expected then
          return 0
        end
        redis.call('HSET', instance, 'v', version, 'd', json)
        if #ARGV >= first_rest_arg then
          redis.call('HSET', marks, unpack(ARGV, first_rest_arg))
        end
        if ttl_ms ~= '0' then
          redis.call('PEXPIRE', instance, ttl_ms)
          redis.call('PEXPIRE', marks, ttl_ms)
        else
          redis.call('PERSIST', instance)
          redis.call('PERSIST', marks)
        end
        return 1
        """);

    // One snapshot of the instance and the marks a message names (the arguments): marks never run ahead of the
    // version read.
    public static readonly RedisScript LoadWithMarks = new(
        "load a saga with marks",
        ["instance", "marks"],
        [],
        """
        local d = redis.call('HGET', instance, 'd')
        if not d then return false end
        return {d, unpack(redis.call('HMGET', marks, unpack(ARGV)))}
        """);
}
