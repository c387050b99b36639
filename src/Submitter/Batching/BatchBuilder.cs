using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Submitter.Validation;

namespace ClayBus.Submitter.Batching;

/// <summary>
/// Groups a job's accepted rows per destination table into batches of at most <see cref="BatchingOptions.MaxRows"/>
/// rows and <see cref="BatchingOptions.MaxBatchBytes"/> bytes (records plus what the Enricher adds to each).
/// Every batch carries the job's <paramref name="source"/> and <paramref name="fileName"/> for the row's lineage.
/// </summary>
public sealed class BatchBuilder(Guid jobId, JobPriority priority, BatchingOptions options, TimeProvider clock, string? source = null, string? fileName = null)
{
    private readonly Dictionary<string, Open> _open = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Adds a row; returns the table's batch if this row did not fit and closed it.</summary>
    public DeliverBatch? Add(string tableKey, decimal creditsPerRow, string rowId, Lead lead)
    {
        if (!_open.TryGetValue(tableKey, out var open))
        {
            open = _open[tableKey] = new Open(tableKey, creditsPerRow);
        }

        var size = lead.Record.Length + BatchingOptions.PerRowOverheadBytes + 1;
        DeliverBatch? closed = null;
        if (open.Rows.Count > 0 && (open.Rows.Count >= options.MaxRows || 2 + open.Bytes + size > options.MaxBatchBytes))
        {
            closed = Close(open);
        }

        open.Rows.Add(new BatchRow(rowId, lead.RowNumber, lead.Fields()));
        open.Bytes += size;
        if (open.Rows.Count >= options.MaxRows)
        {
            closed ??= Close(open);
        }

        return closed;
    }

    /// <summary>The last, partly filled batch of every table.</summary>
    public IReadOnlyList<DeliverBatch> Flush() =>
        _open.Values.Where(open => open.Rows.Count > 0).Select(Close).ToList();

    private DeliverBatch Close(Open open)
    {
        var rows = open.Rows.ToArray();
        open.Rows.Clear();
        open.Bytes = 0;
        return new DeliverBatch(jobId, NewBatchId(), open.TableKey, priority, rows, rows.Length * open.CreditsPerRow, clock.GetUtcNow(), source, fileName);
    }

    private static Guid NewBatchId() => MassTransit.NewId.NextGuid();

    private sealed class Open(string tableKey, decimal creditsPerRow)
    {
        public string TableKey { get; } = tableKey;

        public decimal CreditsPerRow { get; } = creditsPerRow;

        public List<BatchRow> Rows { get; } = [];

        public int Bytes { get; set; }
    }
}
