using System.Text.Json.Serialization;
using ClayBus.Contracts.Submission;
using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Persistence;
using MassTransit;

namespace ClayBus.Monitor.Jobs;

/// <summary>One job as the saga knows it. <see cref="CorrelationId"/> is the job id; <see cref="CurrentState"/> is a <c>JobPhase</c> name.</summary>
public class JobState : SagaStateMachineInstance, ISagaVersion, ISagaMarks
{
    public Guid CorrelationId { get; set; }

    public int Version { get; set; }

    public string CurrentState { get; set; } = "";

    /// <summary>JobSubmitted arrived: the totals are known (it is published after the batches, so it can come late).</summary>
    public bool SubmissionKnown { get; set; }

    public JobPriority? Priority { get; set; }

    public AdmissionDecision? Admission { get; set; }

    public string? SubmittedBy { get; set; }

    public int RowsRead { get; set; }

    public int RowsInvalid { get; set; }

    /// <summary>Held rows published after the budget reset.</summary>
    public int RowsReleased { get; set; }

    public Dictionary<string, TableFigures> Tables { get; set; } = [];

    /// <summary>Batches counted so far (delivered or dead-lettered): kept beside the saga, not in it.</summary>
    [JsonIgnore]
    public JobBatchBook Batches { get; } = new();

    /// <summary>Only in sagas stored before the batch book: moved into it on their next load, then dropped.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public HashSet<Guid>? DeliveredBatches { get; set; }

    /// <inheritdoc cref="DeliveredBatches"/>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public HashSet<Guid>? DeadLetteredBatches { get; set; }

    /// <inheritdoc cref="DeliveredBatches"/>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public Dictionary<Guid, int>? DeadLetteredBatchRows { get; set; }

    /// <summary>Highest share of a webhook's lifetime cap seen in this job's deliveries (evidence for a silently exhausted webhook).</summary>
    public double MaxWebhookUsage { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }

    public DateTimeOffset? FirstDeliveredAt { get; set; }

    public DateTimeOffset? EnrichingAt { get; set; }

    public DateTimeOffset? FirstCallbackAt { get; set; }

    public DateTimeOffset? LastCallbackAt { get; set; }

    /// <summary>Last delivery, dead letter or callback: what the stuck timeout measures from.</summary>
    public DateTimeOffset LastProgressAt { get; set; }

    /// <summary>When the job first became stuck; a later episode does not move it (<see cref="LastStuckAt"/> does).</summary>
    public DateTimeOffset? StuckAt { get; set; }

    /// <summary>When the current (or last) stuck episode began: what "Stuck holds until something moves" compares with.</summary>
    public DateTimeOffset? LastStuckAt { get; set; }

    /// <summary>When the job last left Stuck (progress, completion, or a cancel).</summary>
    public DateTimeOffset? RecoveredAt { get; set; }

    public int StuckEpisodes { get; set; }

    public string? LikelyCause { get; set; }

    /// <summary>How many times the job left a final state because requeued dead letters (or their callbacks) arrived.</summary>
    public int Reopens { get; set; }

    /// <summary>When the job last reopened (null: never).</summary>
    public DateTimeOffset? ReopenedAt { get; set; }

    /// <summary>Finishes and reopenings, oldest first, at most <see cref="JobEpisodes.Kept"/>.</summary>
    public List<JobEpisode> Episodes { get; set; } = [];

    public DateTimeOffset? CompletedAt { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public string? CancelledBy { get; set; }

    public string? CancelReason { get; set; }

    /// <summary>The pending stuck check's scheduling token (MassTransit ignores a timeout whose token no longer matches).</summary>
    public Guid? StuckCheckToken { get; set; }

    [JsonIgnore]
    public int RowsAccepted => Tables.Values.Sum(t => t.RowsAccepted);

    [JsonIgnore]
    public int RowsDelivered => Tables.Values.Sum(t => t.RowsDelivered);

    [JsonIgnore]
    public int RowsDeadLettered => Tables.Values.Sum(JobFigures.RowsDeadLettered);

    [JsonIgnore]
    public int RowsEnriched => Tables.Values.Sum(t => t.RowsEnriched);

    [JsonIgnore]
    public int RowsFailed => Tables.Values.Sum(t => t.RowsNoData + t.RowsError);

    [JsonIgnore]
    public int RowsRejected => Tables.Values.Sum(t => t.RowsRejected);

    [JsonIgnore]
    public int RowsDeduplicated => Tables.Values.Sum(t => t.RowsDeduplicated);

    [JsonIgnore]
    public decimal CreditsEstimated => Tables.Values.Sum(t => t.CreditsEstimated);

    [JsonIgnore]
    public decimal CreditsReserved => Tables.Values.Sum(t => t.CreditsReserved);

    [JsonIgnore]
    public decimal CreditsSpent => Tables.Values.Sum(t => t.CreditsSpent);

    IReadOnlyDictionary<string, string> ISagaMarks.PendingMarks => Batches.Pending;

    void ISagaMarks.MarksLoaded(IReadOnlyDictionary<string, string> marks)
    {
        Batches.Loaded(marks);
        JobFigures.MoveOldBatchSets(this);
    }

    void ISagaMarks.MarksWritten() => Batches.Written();
}

/// <summary>One table's share of a job.</summary>
public class TableFigures
{
    public int RowsAccepted { get; set; }

    public int RowsRejected { get; set; }

    public int RowsDeduplicated { get; set; }

    public int RowsHeld { get; set; }

    public int Batches { get; set; }

    public int BatchesDelivered { get; set; }

    public int RowsDelivered { get; set; }

    public int BatchesDeadLettered { get; set; }

    /// <summary>Dead-lettered rows as the faults counted them; <see cref="JobFigures.RowsDeadLettered"/> is what remains.</summary>
    public int RowsDeadLettered { get; set; }

    /// <summary>Rows of dead-lettered batches that reached Clay after a requeue.</summary>
    public int RowsRequeued { get; set; }

    public int RowsEnriched { get; set; }

    /// <summary>Called back with no data from any provider.</summary>
    public int RowsNoData { get; set; }

    /// <summary>Called back after the waterfall ended on errors or timeouts.</summary>
    public int RowsError { get; set; }

    public decimal CreditsEstimated { get; set; }

    public decimal CreditsReserved { get; set; }

    /// <summary>Data Credits Clay reported on callbacks.</summary>
    public decimal CreditsSpent { get; set; }

    public long Actions { get; set; }

    /// <summary>The table's latest delivery: a block announced before it no longer holds the table.</summary>
    public DateTimeOffset? LastDeliveredAt { get; set; }
}
