using System.Globalization;
using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.Monitor.Jobs;

/// <summary>
/// The latest block of each table. Key <c>jobs:table-block:{table}</c> (hash: one field per kind, value
/// <c>{unix ms}|{detail}</c>), expiring after <see cref="Retention"/> so an old block cannot blame a much later job.
/// </summary>
public sealed class TableBlockStore(RedisKeyspace redis) : ITableBlockReader
{
    public static readonly TimeSpan Retention = TimeSpan.FromDays(7);

    private IDatabase Database => redis.Database;

    public async Task RecordAsync(TableBlock block)
    {
        var key = Key(block.TableKey);
        var value = block.At.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) + "|" + block.Detail;
        await Database.HashSetAsync(key, block.Kind.ToString(), value);
        await Database.KeyExpireAsync(key, Retention);
    }

    public async Task<IReadOnlyList<TableBlock>> ReadAsync(IReadOnlyCollection<string> tableKeys)
    {
        var blocks = new List<TableBlock>();
        foreach (var table in tableKeys)
        {
            foreach (var entry in await Database.HashGetAllAsync(Key(table)))
            {
                if (Enum.TryParse<TableBlockKind>(entry.Name.ToString(), out var kind) && Parse(table, kind, entry.Value.ToString()) is { } block)
                {
                    blocks.Add(block);
                }
            }
        }

        return blocks;
    }

    private static TableBlock? Parse(string table, TableBlockKind kind, string value)
    {
        var bar = value.IndexOf('|', StringComparison.Ordinal);
        return bar > 0 && long.TryParse(value.AsSpan(0, bar), NumberStyles.Integer, CultureInfo.InvariantCulture, out var ms)
            ? new TableBlock(table, kind, DateTimeOffset.FromUnixTimeMilliseconds(ms), value[(bar + 1)..])
            : null;
    }

    private static string Key(string table) => $"jobs:table-block:{table}";
}
