using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace ClayBus.ClaySim.Workspace;

/// <summary>
/// When a row first came through Clay's door, and how often: what hot-lead latency is measured against; and what Clay
/// charged for it over every copy (Data Credits in thousandths, Actions with each HTTP API call that went through):
/// the ground truth a row's lineage is checked against.
/// </summary>
internal readonly record struct RowAcceptance(DateTimeOffset FirstAcceptedAt, int TimesAccepted, SimJob? Job, SimTable Table, long DataMilliCredits = 0, int Actions = 0);

/// <summary>
/// Every accepted <c>claybus_row_id</c> by its 64-bit hash: first acceptance (UTC ticks on the unscaled clock), how
/// many copies were accepted, the job and table of the first one, the charges. About 60 bytes a row, kept until a reset, also
/// for auto-delete tables (a latency is asked after the row left). Only touched under the workspace gate.
/// </summary>
internal sealed class RowLog
{
    private readonly Dictionary<ulong, Entry> _rows = [];

    public int Count => _rows.Count;

    public void Accept(ulong rowHash, SimJob? job, SimTable table, DateTimeOffset now)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrAddDefault(_rows, rowHash, out var known);
        entry = known ? entry with { Times = entry.Times + 1 } : new Entry(now.UtcTicks, 1, job, table, 0, 0);
    }

    /// <summary>Adds a charge to an accepted row; a row not accepted since the last reset is not charged here.</summary>
    public void Charge(ulong rowHash, long dataMilliCredits, int actions)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_rows, rowHash);
        if (!Unsafe.IsNullRef(ref entry))
        {
            entry = entry with { DataMilliCredits = entry.DataMilliCredits + dataMilliCredits, Actions = entry.Actions + actions };
        }
    }

    public RowAcceptance? Find(ulong rowHash)
    {
        ref var entry = ref CollectionsMarshal.GetValueRefOrNullRef(_rows, rowHash);
        return Unsafe.IsNullRef(ref entry)
            ? null
            : new RowAcceptance(new DateTimeOffset(entry.FirstTicks, TimeSpan.Zero), entry.Times, entry.Job, entry.Table, entry.DataMilliCredits, entry.Actions);
    }

    public void Clear() => _rows.Clear();

    private readonly record struct Entry(long FirstTicks, int Times, SimJob? Job, SimTable Table, long DataMilliCredits, int Actions);
}
