using System.Globalization;
using StackExchange.Redis;

namespace ClayBus.Monitor.Callbacks;

/// <summary>A job's callback counters as stored in <c>progress:{job}</c> (fields <c>{table}|{outcome}</c>).</summary>
/// <param name="Version">Counted callbacks so far: tells whether the counters changed after they were read.</param>
public sealed record JobCallbackCounters(IReadOnlyDictionary<string, TableCallbackCounters> Tables, DateTimeOffset FirstAt, DateTimeOffset LastAt, long Version)
{
    public static JobCallbackCounters From(RedisResult[] flat)
    {
        var tables = new Dictionary<string, TableCallbackCounters>();
        long first = 0, last = 0, version = 0;
        for (var i = 0; i + 1 < flat.Length; i += 2)
        {
            var field = (string)flat[i]!;
            var value = (string)flat[i + 1]!;
            switch (field)
            {
                case "_first": first = long.Parse(value, CultureInfo.InvariantCulture); continue;
                case "_last": last = long.Parse(value, CultureInfo.InvariantCulture); continue;
                case "_version": version = long.Parse(value, CultureInfo.InvariantCulture); continue;
                case "_pending": continue;
            }

            var separator = field.LastIndexOf('|');
            var table = field[..separator];
            var counters = tables.GetValueOrDefault(table) ?? new TableCallbackCounters(0, 0, 0, 0, 0);
            tables[table] = field[(separator + 1)..] switch
            {
                ClayCallback.Enriched => counters with { Enriched = int.Parse(value, CultureInfo.InvariantCulture) },
                ClayCallback.NoData => counters with { NoData = int.Parse(value, CultureInfo.InvariantCulture) },
                ClayCallback.Error => counters with { Error = int.Parse(value, CultureInfo.InvariantCulture) },
                "credits" => counters with { DataCredits = decimal.Parse(value, NumberStyles.Float, CultureInfo.InvariantCulture) },
                "actions" => counters with { Actions = long.Parse(value, CultureInfo.InvariantCulture) },
                _ => counters,
            };
        }

        return new JobCallbackCounters(tables, DateTimeOffset.FromUnixTimeMilliseconds(first), DateTimeOffset.FromUnixTimeMilliseconds(last), version);
    }
}

public sealed record TableCallbackCounters(int Enriched, int NoData, int Error, decimal DataCredits, long Actions);
