using System.ComponentModel.DataAnnotations;

namespace ClayBus.Submitter.Admission;

public enum AdmissionPolicy
{
    /// <summary>A job that does not fit today's remaining budget is refused; nothing is published.</summary>
    Reject,

    /// <summary>A job that does not fit waits whole (durably, in Redis) for the budget reset.</summary>
    Hold,

    /// <summary>What fits today goes now; the rest waits for the reset.</summary>
    Split,
}

public sealed class AdmissionOptions
{
    public const string Section = "Admission";

    public AdmissionPolicy Policy { get; set; } = AdmissionPolicy.Split;

    /// <summary>How long to wait for the Enricher's ledger to answer; no answer counts as no budget (fail closed).</summary>
    [Range(0.1, 60, ErrorMessage = "must be between 0.1 and 60 seconds")]
    public double BudgetTimeoutSeconds { get; set; } = 5;

    /// <summary>How often held batches are offered to the ledger again (a ledger that did not answer, a raised limit).</summary>
    [Range(1, 3600, ErrorMessage = "must be between 1 and 3600 seconds (30 by default)")]
    public int HeldRetrySeconds { get; set; } = 30;

    /// <summary>
    /// Under <c>hold</c> and <c>reject</c>, batches wait in memory until the job is known to fit; past this many they
    /// are published (the budget still covers them) so memory stays bounded on a huge file.
    /// </summary>
    [Range(1, 100_000, ErrorMessage = "must be between 1 and 100000 batches")]
    public int MaxBufferedBatches { get; set; } = 2_000;

    /// <summary>
    /// Batches that may wait in Redis for the budget reset (<c>submitter:held</c>), over every job: a job that would
    /// pass it is refused with 503. The default holds a whole buffered job (<see cref="MaxBufferedBatches"/>), at most
    /// 90 KB a batch: about 180 MB of Redis at worst, 60 MB for typical 30 KB batches.
    /// </summary>
    [Range(1, 1_000_000, ErrorMessage = "must be between 1 and 1000000 batches (2000 by default); each held batch takes up to 90 KB of Redis")]
    public int MaxHeldBatches { get; set; } = 2_000;
}
