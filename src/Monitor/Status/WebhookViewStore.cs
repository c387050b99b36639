using System.Globalization;
using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.Monitor.Status;

/// <summary>
/// Each table's current webhook as the Enricher's events describe it. Keys: <c>webhook-view:tables</c> (set),
/// <c>webhook-view:table:{table}</c> (hash: webhook, used, cap, rotations, low, exhausted, at),
/// <c>webhook-view:sent:{table}</c> (sorted set of records sent per delivery, for the rate; trimmed to the window).
/// </summary>
public sealed class WebhookViewStore(RedisKeyspace redis)
{
    private const string Tables = "webhook-view:tables";

    // The view's keys before it had a prefix of its own (it shared webhooks: with the Enricher's WebhookPool): read
    // for a table until its next event writes the new hash, so an upgrade loses no view.
    private const string OldTables = "webhooks:tables";

    private IDatabase Database => redis.Database;

    public async Task RecordDeliveryAsync(string table, string webhook, long used, long? cap, int sent, Guid batchId, DateTimeOffset at)
    {
        var ms = at.ToUnixTimeMilliseconds();
        await WebhookViewStoreScripts.Usage.EvaluateAsync(
            Database,
            [("tables_key", Tables), ("key", TableKey(table))],
            [
                ("table_name", table), ("given_webhook", webhook), ("given_used", used), ("cap", cap?.ToString(CultureInfo.InvariantCulture) ?? ""),
                ("given_at", ms),
            ]);
        if (sent > 0)
        {
            // The batch id makes a redelivered BatchDelivered count once.
            await Database.SortedSetAddAsync(SentKey(table), $"{batchId:N}:{sent}", ms);
        }
    }

    public async Task MarkAsync(string table, string field, DateTimeOffset at)
    {
        await Database.SetAddAsync(Tables, table);
        await Database.HashSetAsync(TableKey(table), field, at.ToUnixTimeMilliseconds());
    }

    public async Task RecordRotationAsync(string table, string toWebhook, DateTimeOffset at)
    {
        await Database.SetAddAsync(Tables, table);
        await Database.HashIncrementAsync(TableKey(table), "rotations");
        await WebhookViewStoreScripts.Usage.EvaluateAsync(
            Database,
            [("tables_key", Tables), ("key", TableKey(table))],
            [
                ("table_name", table), ("given_webhook", toWebhook), ("given_used", 0L),
                ("cap", (await Database.HashGetAsync(TableKey(table), "cap")).ToString()), ("given_at", at.ToUnixTimeMilliseconds()),
            ]);
    }

    public async Task<IReadOnlyList<(WebhookUsage Usage, long SentInWindow)>> ReadAsync(DateTimeOffset now, TimeSpan window)
    {
        var result = new List<(WebhookUsage, long)>();
        var tables = (await Database.SetMembersAsync(Tables)).Concat(await Database.SetMembersAsync(OldTables)).Select(t => t.ToString());
        foreach (var table in tables.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var entries = await Database.HashGetAllAsync(TableKey(table));
            if (entries.Length == 0)
            {
                entries = await Database.HashGetAllAsync(OldTableKey(table));
            }

            var fields = entries.ToDictionary(e => e.Name.ToString(), e => e.Value.ToString(), StringComparer.Ordinal);
            var from = (now - window).ToUnixTimeMilliseconds();
            await Database.SortedSetRemoveRangeByScoreAsync(SentKey(table), double.NegativeInfinity, from, Exclude.Stop);
            var sent = (await Database.SortedSetRangeByScoreAsync(SentKey(table), from, double.PositiveInfinity))
                .Sum(member => long.Parse(member.ToString().Split(':')[1], CultureInfo.InvariantCulture));
            var usage = new WebhookUsage(
                table,
                fields.GetValueOrDefault("webhook", "?"),
                Long(fields, "used") ?? 0,
                Long(fields, "cap"),
                (int)(Long(fields, "rotations") ?? 0),
                Long(fields, "low") is > 0,
                Long(fields, "exhausted") is > 0,
                DateTimeOffset.FromUnixTimeMilliseconds(Long(fields, "at") ?? 0));
            result.Add((usage, sent));
        }

        return result;
    }

    private static long? Long(Dictionary<string, string> fields, string name) =>
        fields.TryGetValue(name, out var value) && long.TryParse(value, CultureInfo.InvariantCulture, out var number) ? number : null;

    private static string TableKey(string table) => "webhook-view:table:" + table;

    private static string OldTableKey(string table) => "webhooks:table:" + table;

    private static string SentKey(string table) => "webhook-view:sent:" + table;
}
