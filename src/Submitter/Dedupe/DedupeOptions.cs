using System.ComponentModel.DataAnnotations;

namespace ClayBus.Submitter.Dedupe;

public sealed class DedupeOptions
{
    public const string Section = "Dedupe";

    /// <summary>A lead sent to a table within this many days is skipped as a duplicate.</summary>
    [Range(0, 3650, ErrorMessage = "must be between 0 (no cross-job dedupe) and 3650 days")]
    public int WindowDays { get; set; } = 30;

    /// <summary>
    /// How long a row stays claimed by a job whose batch is not yet confirmed. A crashed job frees its rows after this;
    /// a retry with the same idempotency key takes them at once.
    /// </summary>
    [Range(10, 86_400, ErrorMessage = "must be between 10 and 86400 seconds")]
    public int PendingClaimSeconds { get; set; } = 900;

    /// <summary>
    /// A running job holds its idempotency key for this long and renews it while it runs, so that after a crash of its
    /// Submitter a retry with the same key can take the job over within this time instead of being refused.
    /// </summary>
    [Range(3, 3600, ErrorMessage = "must be between 3 and 3600 seconds")]
    public int RunningLeaseSeconds { get; set; } = 15;

    /// <summary>A job resubmitted with the same idempotency key within this many days returns the first job.</summary>
    [Range(1, 365, ErrorMessage = "must be between 1 and 365 days")]
    public int IdempotencyDays { get; set; } = 7;
}
