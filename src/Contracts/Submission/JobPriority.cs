namespace ClayBus.Contracts.Submission;

/// <summary>
/// Delivery priority of a job's batches. The value is the AMQP message priority on the classic priority queue
/// <c>deliver-batch</c> (x-max-priority 10). Set by the Submitter, honoured by the broker for the Enricher.
/// </summary>
public enum JobPriority
{
    /// <summary>Backfills and bulk imports.</summary>
    Low = 1,

    /// <summary>The default.</summary>
    Normal = 5,

    /// <summary>Inbound leads that sales waits on.</summary>
    High = 9,
}
