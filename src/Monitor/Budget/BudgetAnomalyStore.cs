using System.Text.Json;
using ClayBus.Contracts.Credits;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Monitor.Budget;

/// <summary>One table's charges above its price list, as the status and <c>GET /budget/holds</c> show them.</summary>
/// <param name="Count">Anomalies seen since the table's first one that is still kept (more than <see cref="Latest"/> holds).</param>
/// <param name="Latest">The newest first, at most <c>Budget:AnomaliesPerTable</c>.</param>
public sealed record TableAnomalies(string TableKey, long Count, DateTimeOffset LastAt, IReadOnlyList<BudgetAnomaly> Latest);

/// <summary>
/// The Enricher's <see cref="BudgetAnomaly"/> events, bounded: per table a capped list, newest first
/// (<c>budget:anomalies:{table}</c>), a count (<c>budget:anomaly-counts</c>) and the tables by their last anomaly
/// (<c>budget:anomaly-tables</c>); every key expires <c>Budget:AnomalyDays</c> after the last write to it.
/// </summary>
public sealed class BudgetAnomalyStore(RedisKeyspace redis, IOptions<BudgetViewOptions> options)
{
    private const string TablesKey = "budget:anomaly-tables";
    private const string CountsKey = "budget:anomaly-counts";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private IDatabase Database => redis.Database;

    private TimeSpan Ttl => TimeSpan.FromDays(options.Value.AnomalyDays);

    /// <summary>Keeps the anomaly; true when its table had none kept (the first since they expired).</summary>
    public async Task<bool> RecordAsync(BudgetAnomaly anomaly)
    {
        // The list of a table that went quiet expires by itself; the shared set and counts are pruned here.
        await PruneAsync();
        var first = await BudgetAnomalyStoreScripts.Record.EvaluateAsync(
            Database,
            [("tables_key", TablesKey), ("counts_key", CountsKey), ("list_key", ListKey(anomaly.TableKey))],
            [
                ("at", anomaly.At.ToUnixTimeMilliseconds()), ("table_name", anomaly.TableKey), ("entry", JsonSerializer.Serialize(anomaly, Json)),
                ("keep", options.Value.AnomaliesPerTable), ("ttl", (long)Ttl.TotalSeconds),
            ]);
        return (long)first == 1;
    }

    /// <summary>Every table with anomalies kept, the most recent first.</summary>
    public async Task<IReadOnlyList<TableAnomalies>> TablesAsync(int take)
    {
        await PruneAsync();
        var tables = await Database.SortedSetRangeByRankWithScoresAsync(TablesKey, order: Order.Descending);
        var result = new List<TableAnomalies>(tables.Length);
        foreach (var entry in tables)
        {
            var table = (string)entry.Element!;
            var list = await Database.ListRangeAsync(ListKey(table), 0, take - 1);
            var count = await Database.HashGetAsync(CountsKey, table);
            result.Add(new TableAnomalies(
                table,
                count.HasValue ? (long)count : list.Length,
                DateTimeOffset.FromUnixTimeMilliseconds((long)entry.Score),
                [.. list.Select(value => JsonSerializer.Deserialize<BudgetAnomaly>(value.ToString(), Json)!)]));
        }

        return result;
    }

    private async Task PruneAsync()
    {
        var before = DateTimeOffset.UtcNow.Subtract(Ttl).ToUnixTimeMilliseconds();
        var stale = await Database.SortedSetRangeByScoreAsync(TablesKey, double.NegativeInfinity, before);
        if (stale.Length == 0)
        {
            return;
        }

        await Database.SortedSetRemoveAsync(TablesKey, stale);
        await Database.HashDeleteAsync(CountsKey, stale);
    }

    private static string ListKey(string tableKey) => "budget:anomalies:" + tableKey;
}
