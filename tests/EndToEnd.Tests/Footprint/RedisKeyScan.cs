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

            // Pipelined a page at a time: one round trip a key made a 150,000-key scan take minutes on a loaded machine.
            var page = new List<RedisKey>(1000);
            await foreach (var key in server.KeysAsync(pattern: prefix + "*", pageSize: 1000))
            {
                page.Add(key);
                if (page.Count == 1000)
                {
                    keys.AddRange(await ReadAsync(database, page, prefix));
                    page.Clear();
                }
            }

            keys.AddRange(await ReadAsync(database, page, prefix));
        }

        return keys;
    }

    private static Task<ScannedKey[]> ReadAsync(IDatabase database, IEnumerable<RedisKey> page, string prefix) =>
        Task.WhenAll(page.Select(async key =>
        {
            var ttl = database.KeyTimeToLiveAsync(key);
            var type = database.KeyTypeAsync(key);
            var bytes = database.ExecuteAsync("MEMORY", "USAGE", key, "SAMPLES", "0");
            return new ScannedKey(((string)key!)[prefix.Length..], await type, await ttl, (long?)await bytes ?? 0);
        }));

    /// <summary>Keys that neither expire nor match an entry of <see cref="RedisKeyOwners.Owned"/>.</summary>
    public static IReadOnlyList<ScannedKey> WithoutBound(IEnumerable<ScannedKey> keys) =>
        [.. keys.Where(key => key.Ttl is null && RedisKeyOwners.OwnerOf(key.Name) is null)];

    /// <summary>Key names with ids replaced by placeholders, so keys of one kind group together.</summary>
    public static string PatternOf(string name) =>
        Regex.Replace(Regex.Replace(name, "(?<=^batch:)[A-Za-z0-9_-]{22}$|[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "{id}"), @"\d{4}-\d{2}(-\d{2})?", "{date}");
}
