using System.Collections.Concurrent;

namespace ClayBus.Enricher.Parking;

/// <summary>A table whose batches this instance parked, and why (the detail names the key and the fix).</summary>
public sealed record ParkedTable(string TableKey, string Reason, string Detail, DateTimeOffset Since);

/// <summary>
/// The tables this instance is parking batches for: readiness shows them, and a table's reason is logged once when it
/// starts or changes, not once per batch.
/// </summary>
public sealed class ParkedTables
{
    private readonly ConcurrentDictionary<string, ParkedTable> _tables = new(StringComparer.Ordinal);

    public IReadOnlyList<ParkedTable> All => [.. _tables.Values.OrderBy(t => t.TableKey, StringComparer.Ordinal)];

    /// <returns>True when the table was not parked, or was parked for another reason (the caller logs it).</returns>
    public bool Park(ParkedTable table)
    {
        var changed = true;
        _tables.AddOrUpdate(
            table.TableKey,
            table,
            (_, previous) =>
            {
                changed = previous.Reason != table.Reason || previous.Detail != table.Detail;
                return changed ? table : previous;
            });
        return changed;
    }

    /// <returns>True when the table was parked (the caller logs that it flows again).</returns>
    public bool Release(string tableKey) => _tables.TryRemove(tableKey, out _);
}
