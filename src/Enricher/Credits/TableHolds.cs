using System.Globalization;
using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.Enricher.Credits;

/// <summary>
/// Tables whose deliveries are held because Clay charged a row more than its price list reserved: a durable flag in
/// Redis (<c>credits:hold:{table}</c>, the largest charge per meter and provider) shared by every instance. A held
/// table sends nothing until its configured price list covers every charge held (re-read at each batch, so a
/// configuration reload lifts it) or an operator deletes the flag.
/// </summary>
public sealed class TableHolds(RedisKeyspace redis)
{
    private const decimal Milli = 1000m;

    public async Task HoldAsync(string tableKey, string meter, string? provider, decimal charged)
    {
        var field = meter == Meters.Actions ? Meters.Actions : $"{Meters.DataCredits}:{provider}";
        var amount = meter == Meters.Actions ? (long)charged : (long)decimal.Round(charged * Milli, MidpointRounding.AwayFromZero);
        await CreditStoreScripts.Hold.EvaluateAsync(redis.Database, [("hold_hash", HoldKey(tableKey))], [("field", field), ("charged", amount)]);
        await redis.Database.SetAddAsync(HeldKey, tableKey);
    }

    /// <summary>Null when the table may deliver (lifting a hold its price list now covers); otherwise why it waits.</summary>
    public async Task<string?> WhyHeldAsync(string tableKey, PriceListOptions? prices)
    {
        var entries = await redis.Database.HashGetAllAsync(HoldKey(tableKey));
        if (entries.Length == 0)
        {
            return null;
        }

        var uncovered = Uncovered(prices, entries.Select(e => ((string)e.Name!, (long)e.Value)));
        if (uncovered.Count == 0)
        {
            await ClearAsync(tableKey);
            return null;
        }

        return $"table {tableKey} is held: Clay charged more than its price list reserves ({string.Join(", ", uncovered)}); raise Tables:{tableKey}:Prices to cover it, or clear the hold";
    }

    /// <summary>The held charges the price list does not cover, as text for the reason (no secrets in them).</summary>
    public static List<string> Uncovered(PriceListOptions? prices, IEnumerable<(string Field, long Amount)> held)
    {
        var uncovered = new List<string>();
        foreach (var (field, amount) in held)
        {
            var covered = field == Meters.Actions
                ? PriceLists.Covers(prices, Meters.Actions, null, amount)
                : PriceLists.Covers(prices, Meters.DataCredits, field[(Meters.DataCredits.Length + 1)..], amount / Milli);
            if (!covered)
            {
                uncovered.Add(field == Meters.Actions
                    ? $"{amount} Actions a row"
                    : string.Create(CultureInfo.InvariantCulture, $"{field[(Meters.DataCredits.Length + 1)..]} {amount / Milli} Data Credits a hit"));
            }
        }

        return uncovered;
    }

    public async Task ClearAsync(string tableKey)
    {
        await redis.Database.KeyDeleteAsync(HoldKey(tableKey));
        await redis.Database.SetRemoveAsync(HeldKey, tableKey);
    }

    public async Task<IReadOnlyList<string>> HeldTablesAsync() =>
        [.. (await redis.Database.SetMembersAsync(HeldKey)).Select(v => (string)v!).Order(StringComparer.Ordinal)];

    private static RedisKey HeldKey => "credits:held-tables";

    private static RedisKey HoldKey(string tableKey) => $"credits:hold:{tableKey}";
}
