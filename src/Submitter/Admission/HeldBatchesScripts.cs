using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Submitter.Admission;

/// <summary><see cref="HeldBatches"/>' atomic steps, with named keys and arguments.</summary>
public static class HeldBatchesScripts
{
    // list: the list to push to (held or unanswered); the batches follow the named arguments. → batches pushed, or
    // -1 - waiting when refused. All or none: a step that would pass the cap pushes nothing, so a refused job leaves
    // no part of itself held.
    public static readonly RedisScript Hold = new(
        "hold batches",
        ["list", "held", "unanswered"],
        ["cap"],
        """
        local waiting = redis.call('LLEN', held) + redis.call('LLEN', unanswered)
        local batches = #ARGV - first_rest_arg + 1
        if waiting + batches > tonumber(cap) then return -1 - waiting end
        for i = first_rest_arg, #ARGV do redis.call('RPUSH', list, ARGV[i]) end
        return batches
        """);
}
