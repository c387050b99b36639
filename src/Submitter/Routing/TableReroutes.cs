using System.Text.Json;
using ClayBus.ServiceDefaults.Redis;

namespace ClayBus.Submitter.Routing;

/// <summary>
/// The current reroutes, kept in one Redis hash so every Submitter instance agrees and a restart keeps them.
/// Reads are cached for a moment: a job reads them once at its start. Changes apply in version order, whatever order
/// they arrive in.
/// </summary>
public sealed class TableReroutes(RedisKeyspace redis, TimeProvider clock)
{
    internal const string Key = "submitter:routes";

    /// <summary>Table → the version of the last route change applied (<see cref="ClayBus.Contracts.Tracking.TableRouteChanged.Version"/>).</summary>
    internal const string VersionsKey = "submitter:route-versions";
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

    /// <summary>Routes the table to a variant, unless a newer change (by <paramref name="version"/>) was applied.</summary>
    /// <returns>False for a change older than, or the same as, the one applied last.</returns>
    public Task<bool> SetAsync(TableReroute route, long version) =>
        ApplyAsync(route.TableKey, JsonSerializer.Serialize(route), version);

    /// <summary>Routes the table normally again, unless a newer change (by <paramref name="version"/>) was applied.</summary>
    /// <returns>False for a change older than, or the same as, the one applied last.</returns>
    public Task<bool> ClearAsync(string tableKey, long version) => ApplyAsync(tableKey, "", version);

    private async Task<bool> ApplyAsync(string tableKey, string route, long version)
    {
        var applied = (int)await TableReroutesScripts.Apply.EvaluateAsync(
            redis.Database,
            [("routes_key", Key), ("versions_key", VersionsKey)],
            [("table_name", tableKey.ToLowerInvariant()), ("route", route), ("version", version)]) == 1;
        _cachedAt = DateTimeOffset.MinValue;
        return applied;
    }
}
