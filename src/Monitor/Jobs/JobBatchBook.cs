using System.Globalization;
using ClayBus.Contracts.Delivery;
using MassTransit;

namespace ClayBus.Monitor.Jobs;

/// <summary>
/// Which of a job's batches are counted, as delivered or as dead-lettered (with their rows), so a redelivered
/// <c>BatchDelivered</c> or a repeated fault counts once. Stored beside the saga (one Redis hash per job, written in
/// the saga's compare-and-set), never inside it: a 5M-row job has ~100,000 batches and the saga must stay small.
/// Only the marks of the batch the current message names are loaded (<see cref="FieldsFor"/>).
/// </summary>
public sealed class JobBatchBook
{
    private const string DeliveredMark = "d";
    private const string DeadLetteredMark = "x";

    private readonly Dictionary<string, string> _known = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _pending = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Pending => _pending;

    /// <summary>The hash fields a message's idempotency depends on: its batch id, if it names one.</summary>
    public static IReadOnlyList<string> FieldsFor(object message) => message switch
    {
        BatchDelivered delivered => [Field(delivered.BatchId)],
        Fault<DeliverBatch> fault => [Field(fault.Message.BatchId)],
        _ => [],
    };

    public bool IsDelivered(Guid batchId) => _known.GetValueOrDefault(Field(batchId)) == DeliveredMark;

    /// <param name="rows">The batch's rows as the fault counted them; null when unknown (a mark migrated from an old saga).</param>
    public bool IsDeadLettered(Guid batchId, out int? rows)
    {
        rows = null;
        if (_known.GetValueOrDefault(Field(batchId)) is not { } mark || !mark.StartsWith(DeadLetteredMark, StringComparison.Ordinal))
        {
            return false;
        }

        rows = int.TryParse(mark.AsSpan(DeadLetteredMark.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var counted) ? counted : null;
        return true;
    }

    public void MarkDelivered(Guid batchId) => Mark(Field(batchId), DeliveredMark);

    public void MarkDeadLettered(Guid batchId, int? rows) =>
        Mark(Field(batchId), DeadLetteredMark + rows?.ToString(CultureInfo.InvariantCulture));

    public void Loaded(IReadOnlyDictionary<string, string> marks)
    {
        foreach (var (field, mark) in marks)
        {
            _known[field] = mark;
        }
    }

    public void Written() => _pending.Clear();

    private void Mark(string field, string mark)
    {
        _known[field] = mark;
        _pending[field] = mark;
    }

    private static string Field(Guid batchId) => batchId.ToString("N");
}
