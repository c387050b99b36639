using StackExchange.Redis;

namespace ClayBus.FootprintBench;

/// <summary>
/// Waits for a run's credit reservations to settle, reading only key names and TTLs (a full scan with sizes is
/// far slower). A reserved row expires after days, a settled one within <c>settledTtl</c>: the reserved ones left
/// when no more settle are the figure, not a failure to hide.
/// </summary>
public static class Settlement
{
    public static async Task<IReadOnlyList<string>> WaitAsync(
        IConnectionMultiplexer connection, string prefix, TimeSpan settledTtl, TimeSpan deadline, TimeSpan stall)
    {
        var until = DateTimeOffset.UtcNow + deadline;
        var lastProgress = DateTimeOffset.UtcNow;
        var reserved = await ReservedAsync(connection, prefix, settledTtl);
        while (reserved.Count > 0 && DateTimeOffset.UtcNow < until && DateTimeOffset.UtcNow - lastProgress < stall)
        {
            await Task.Delay(TimeSpan.FromSeconds(2));
            var now = await ReservedAsync(connection, prefix, settledTtl);
            if (now.Count < reserved.Count)
            {
                lastProgress = DateTimeOffset.UtcNow;
            }

            Console.WriteLine($"  {now.Count:N0} reservations not settled yet");
            reserved = now;
        }

        return reserved;
    }

    private static async Task<IReadOnlyList<string>> ReservedAsync(IConnectionMultiplexer connection, string prefix, TimeSpan settledTtl)
    {
        var database = connection.GetDatabase();
        var server = connection.GetServer(connection.GetEndPoints()[0]);
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: prefix + "credits:row:*", pageSize: 1000))
        {
            keys.Add(key);
        }

        var ttls = await Task.WhenAll(keys.Select(key => database.KeyTimeToLiveAsync(key)));
        return [.. keys.Where((_, i) => ttls[i] > settledTtl).Select(key => ((string)key!)[prefix.Length..])];
    }
}
