namespace ClayBus.Monitor.Jobs;

/// <summary>
/// Why a table's batches wait, as the Enricher announced it (<c>TableFull</c>, <c>WebhookPoolExhausted</c>):
/// evidence for a stuck job's likely cause.
/// </summary>
/// <param name="Detail">What the event said, for the cause's text (figures and the fix; never a webhook URL).</param>
public sealed record TableBlock(string TableKey, TableBlockKind Kind, DateTimeOffset At, string Detail);

public enum TableBlockKind
{
    /// <summary>The table reached the Enricher's share of Clay's 50,000-row table cap.</summary>
    TableFull,

    /// <summary>Every webhook of the table is spent.</summary>
    WebhookPoolExhausted,
}

/// <summary>Reads the blocks of a job's tables when a stuck check fires (Redis in the service, a fake in tests).</summary>
public interface ITableBlockReader
{
    Task<IReadOnlyList<TableBlock>> ReadAsync(IReadOnlyCollection<string> tableKeys);
}
