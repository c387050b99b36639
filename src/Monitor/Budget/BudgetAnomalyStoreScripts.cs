using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Monitor.Budget;

/// <summary><see cref="BudgetAnomalyStore"/>'s atomic steps, with named keys and arguments.</summary>
public static class BudgetAnomalyStoreScripts
{
    // Atomic so two Monitors never lose a count or both report a table as new. → 1 when the table had no anomaly kept.
    public static readonly RedisScript Record = new(
        "record an anomaly",
        ["tables_key", "counts_key", "list_key"],
        ["at", "table_name", "entry", "keep", "ttl"],
        """
        local first = redis.call('ZADD', tables_key, at, table_name)
        redis.call('LPUSH', list_key, entry)
        redis.call('LTRIM', list_key, 0, tonumber(keep) - 1)
        redis.call('HINCRBY', counts_key, table_name, 1)
        redis.call('EXPIRE', list_key, ttl)
        redis.call('EXPIRE', tables_key, ttl)
        redis.call('EXPIRE', counts_key, ttl)
        return first
        """);
}
