using System.Text.Json;
using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Submitter.Routing;

/// <summary>
/// The current reroutes, kept in one Redis hash so every Submitter instance agrees and a restart keeps them.
/// Reads are cached for a moment: a job reads them once at its start.
/// </summary>
public sealed class TableReroutes(RedisKeyspace redis, TimeProvider clock)
{
    internal const string Key = "submitter:routes";
    private static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);
    private IReadOnlyDictionary<string, TableReroute> _cached = new Dictionary<string, TableReroute>();
    private DateTimeOffset _cachedAt = DateTimeOffset.MinValue;

    public async Task<IReadOnlyDictionary<string, TableReroute>> CurrentAsync()
    {
        if (clock.GetUtcNow() - _cachedAt < CacheFor)
        {
            return _cached;
        }

        var entries = await redis.Database.HashGetAllAsync(Key);
        var routes = new Dictionary<string, TableReroute>(StringComparer.OrdinalIgnoreCase);
        foreach (var entry in entries)
        {
            if (JsonSerializer.Deserialize<TableReroute>(entry.Value.ToString()) is { } route)
            {
                routes[route.TableKey] = route;
            }
        }

        _cached = routes;
        _cachedAt = clock.GetUtcNow();
        return routes;
    }

    public async Task SetAsync(TableReroute route)
    {
        await redis.Database.HashSetAsync(Key, route.TableKey.ToLowerInvariant(), JsonSerializer.Serialize(route));
        _cachedAt = DateTimeOffset.MinValue;
    }

    public async Task ClearAsync(string tableKey)
    {
        await redis.Database.HashDeleteAsync(Key, tableKey.ToLowerInvariant());
        _cachedAt = DateTimeOffset.MinValue;
    }
}
