using System.Collections.Concurrent;
using System.Threading.Channels;
using ClayBus.ClaySim.Workspace;
using Microsoft.Extensions.Options;

namespace ClayBus.ClaySim.Enrichment;

/// <summary>
/// One accepted row on its way through the waterfall: the record exactly as it arrived, and whether its hash is of a
/// <c>claybus_row_id</c> (the duplicate counter's) or of the record itself, and the job it counts for (if it names one).
/// </summary>
internal sealed record RowWork(SimTable Table, byte[] Record, ulong RowHash, bool HasRowId, int Generation, SimJob? Job = null)
{
    /// <summary>The scopes an enrichment or callback counter of this row adds to: the workspace, its table, its job.</summary>
    public Counters[] Scopes(ClayWorkspace workspace) =>
        Job is null ? [workspace.Totals, Table.Counters] : [workspace.Totals, Table.Counters, Job.Counters];
}

/// <summary>
/// Rows waiting for a worker. Ingest never waits on enrichment: when the bounded channel is full a row goes to an
/// overflow list that the workers drain first, so a burst is accepted at full speed and enriched later (as in Clay).
/// </summary>
internal sealed class EnrichmentQueue(IOptions<ClaySimOptions> options)
{
    private readonly Channel<RowWork> _channel = Channel.CreateBounded<RowWork>(new BoundedChannelOptions(options.Value.EnrichmentQueueCapacity)
    {
        SingleReader = false,
        SingleWriter = false,
        FullMode = BoundedChannelFullMode.Wait,
    });

    private readonly ConcurrentQueue<RowWork> _overflow = new();

    public long Pending => _channel.Reader.Count + _overflow.Count;

    public void Enqueue(RowWork row)
    {
        if (!_channel.Writer.TryWrite(row))
        {
            _overflow.Enqueue(row);
        }
    }

    public ValueTask<RowWork> TakeAsync(CancellationToken cancellation) =>
        _overflow.TryDequeue(out var row) ? ValueTask.FromResult(row) : _channel.Reader.ReadAsync(cancellation);
}
