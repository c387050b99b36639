using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Submitter.Routing;

/// <summary><see cref="TableReroutes"/>'s atomic step, with named keys and arguments.</summary>
public static class TableReroutesScripts
{
    // Compare and write in one step: two instances taking a change and an older one at once must end on the newer.
    // Version 0 comes from a Monitor that does not number its changes: it applies, and the next numbered one will too.
    public static readonly RedisScript Apply = new(
        "apply a table route change",
        ["routes_key", "versions_key"],
        ["table_name", "route", "version"],
        """
        local given = tonumber(version)
        if given > 0 and given <= tonumber(redis.call('HGET', versions_key, table_name) or '0') then return 0 end
        if route == '' then
          redis.call('HDEL', routes_key, table_name)
        else
          redis.call('HSET', routes_key, table_name, route)
        end
        redis.call('HSET', versions_key, table_name, given)
        return 1
        """);
}
