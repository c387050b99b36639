using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace ClayBus.EndToEnd.Tests.Footprint;

/// <summary>One key under a run's prefix: its name without the prefix, whether it expires, and its size.</summary>
public sealed record ScannedKey(string Name, RedisType Type, TimeSpan? Ttl, long Bytes);

/// <summary>Every key under a prefix, with its TTL and <c>MEMORY USAGE</c>, and the ones with no bound.</summary>
public static class RedisKeyScan
{
    public static async Task<IReadOnlyList<ScannedKey>> ScanAsync(IConnectionMultiplexer connection, string prefix)
    {
        var keys = new List<ScannedKey>();
        var database = connection.GetDatabase();
        foreach (var endpoint in connection.GetEndPoints())
        {
            var server = connection.GetServer(endpoint);
            if (server.IsReplica || !server.IsConnected)
            {
                continue;
            }

            await foreach (var key in server.KeysAsync(pattern: prefix + "*", pageSize: 1000))
            {
                var ttl = await database.KeyTimeToLiveAsync(key);
                var type = await database.KeyTypeAsync(key);
                var bytes = (long?)await database.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0") ?? 0;
                keys.Add(new ScannedKey(((string)key!)[prefix.Length..], type, ttl, bytes));
            }
        }

        return keys;
    }

    /// <summary>Keys that neither expire nor match an entry of <see cref="RedisKeyOwners.Owned"/>.</summary>
    public static IReadOnlyList<ScannedKey> WithoutBound(IEnumerable<ScannedKey> keys) =>
        [.. keys.Where(key => key.Ttl is null && RedisKeyOwners.OwnerOf(key.Name) is null)];

    /// <summary>Key names with ids replaced by placeholders, so keys of one kind group together.</summary>
    public static string PatternOf(string name) =>
        Regex.Replace(Regex.Replace(name, "(?<=^batch:)[A-Za-z0-9_-]{22}$|[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "{id}"), @"\d{4}-\d{2}(-\d{2})?", "{date}");
}
