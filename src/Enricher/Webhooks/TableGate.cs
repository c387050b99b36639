namespace ClayBus.Enricher.Webhooks;

/// <summary>Why a table's batches wait. <see cref="None"/>: they go.</summary>
public enum TableWait
{
    None,
    ConfigInvalid,
    TableFull,
    PoolSpent,
}

/// <summary>A table's counters in Redis, read in one round trip before anything is claimed or reserved.</summary>
/// <param name="Rows">Rows sent to the table (all its webhooks, present and past).</param>
/// <param name="FullAt">The <c>MaxRows</c> at which a reservation last found the table full, if it has not had room since.</param>
/// <param name="Warned">The table's capacity warning was published.</param>
/// <param name="WebhookCounts">Lifetime count of each configured webhook, in pool order.</param>
public sealed record TableState(long Rows, long? FullAt, bool Warned, IReadOnlyList<long> WebhookCounts);

/// <param name="Warn">The table crossed its warning threshold and nobody has said so yet.</param>
public sealed record TableVerdict(TableWait Wait, string Detail, bool Warn);

/// <summary>
/// Whether a table's batch may go now: its settings valid, room left in the table, and a webhook with room. Decided
/// before a batch claims rows or reserves credits, so a parked batch that comes back early costs one Redis read.
/// </summary>
public static class TableGate
{
    public static TableVerdict Decide(string tableKey, IReadOnlyList<string> configErrors, TableLimits limits, TableState state, WebhookPoolOptions pool)
    {
        var warn = limits.Capped && !state.Warned && state.Rows >= limits.WarnRows;
        if (configErrors.Count > 0)
        {
            return new TableVerdict(
                TableWait.ConfigInvalid,
                $"the settings of table {tableKey} are invalid: {string.Join("; ", configErrors)}. Its batches wait until the secret or configuration is fixed",
                false);
        }

        if (limits.Capped && (state.Rows >= limits.MaxRows || state.FullAt >= limits.MaxRows))
        {
            return new TableVerdict(TableWait.TableFull, $"table {tableKey} is full: {state.Rows} rows sent, Tables:{tableKey}:MaxRows is {limits.MaxRows}. {Fix(tableKey)}", warn);
        }

        var hasRoom = state.WebhookCounts.Any(count => !limits.Capped || (count < pool.RotateAt && count + 1 <= pool.HardCap));
        if (!hasRoom)
        {
            return new TableVerdict(
                TableWait.PoolSpent,
                $"every webhook of table {tableKey} ({state.WebhookCounts.Count}) is spent: add a webhook to Tables:{tableKey}:Webhooks",
                warn);
        }

        return new TableVerdict(TableWait.None, "", warn);
    }

    /// <summary>What an operator does about a full table (the <c>Fix</c> of <c>TableFull</c>).</summary>
    public static string Fix(string tableKey) =>
        $"Create a new Clay table and route new rows to it (Submitter Routing:Rules, with its webhooks under Tables:<new-key>:Webhooks), or, for an Enterprise auto-delete table, set Tables:{tableKey}:AutoDelete to true";
}
