using System.Diagnostics.Metrics;

namespace ClayBus.Submitter.Batching;

/// <summary>The Submitter's counters, on the meter <c>ClayBus.Submitter</c> (exported with every <c>ClayBus.*</c> meter).</summary>
public sealed class SubmitterMetrics
{
    public const string MeterName = "ClayBus.Submitter";

    public SubmitterMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        RowsSubmitted = meter.CreateCounter<long>("claybus.rows.submitted", "{row}", "Rows accepted into batches (published now or held)");
        RowsRejected = meter.CreateCounter<long>("claybus.rows.rejected", "{row}", "Rows refused by validation or a table's rules");
        RowsDeduplicated = meter.CreateCounter<long>("claybus.rows.deduplicated", "{row}", "Rows skipped as duplicates within the job or of a recent job");
        BatchesPublished = meter.CreateCounter<long>("claybus.batches.published", "{batch}", "DeliverBatch messages confirmed by the broker");
    }

    public Counter<long> RowsSubmitted { get; }

    public Counter<long> RowsRejected { get; }

    public Counter<long> RowsDeduplicated { get; }

    public Counter<long> BatchesPublished { get; }
}
