using System.ComponentModel.DataAnnotations;

namespace ClayBus.Enricher.Delivery;

public sealed class DeliveryOptions
{
    public const string Section = "Delivery";

    [Range(1, 256, ErrorMessage = "must be between 1 and 256 batches in flight per process")]
    public int ConcurrentMessageLimit { get; set; } = 4;

    /// <summary>Kept small: the broker only reorders by priority what is not yet prefetched.</summary>
    [Range(1, 1000, ErrorMessage = "must be between 1 and 1000 messages")]
    public int PrefetchCount { get; set; } = 4;

    /// <summary>
    /// Batches in flight (and prefetched) on <c>deliver-batch-high</c>, apart from the backlog's slots, so a High batch
    /// is never behind held Low ones.
    /// </summary>
    [Range(1, 64, ErrorMessage = "must be between 1 and 64 High batches in flight per process")]
    public int HighConcurrentMessageLimit { get; set; } = 2;

    /// <summary>Batches in flight (and prefetched) on <c>deliver-batch-low</c>, apart from Normal's slots on <c>deliver-batch</c>.</summary>
    [Range(1, 256, ErrorMessage = "must be between 1 and 256 Low batches in flight per process")]
    public int LowConcurrentMessageLimit { get; set; } = 4;

    /// <summary>Records per HTTP request; also capped by the client's share of Clay's burst (RateLimit:Burst less the headroom).</summary>
    [Range(1, 1000, ErrorMessage = "must be between 1 and 1000 records (Clay's burst is 20)")]
    public int MaxRecordsPerRequest { get; set; } = 20;

    /// <summary>Bytes per HTTP request: Clay refuses more than 100 KB; production clients stay at 90 KB.</summary>
    [Range(1024, 102_400, ErrorMessage = "must be between 1024 and 102400 bytes (Clay refuses more than 100 KB)")]
    public int MaxRequestBytes { get; set; } = 90 * 1024;

    [Range(0, 20, ErrorMessage = "must be between 0 and 20 retries")]
    public int RetryLimit { get; set; } = 3;

    [Range(10, 60_000, ErrorMessage = "must be between 10 and 60000 milliseconds")]
    public int RetryMinIntervalMilliseconds { get; set; } = 200;

    [Range(10, 60_000, ErrorMessage = "must be between 10 and 60000 milliseconds")]
    public int RetryMaxIntervalMilliseconds { get; set; } = 5_000;

    /// <summary>
    /// How long a row stays claimed by a delivery that may have crashed before another takes it over. Renewed before
    /// every HTTP attempt, so it only has to outlast one attempt plus its backoff.
    /// </summary>
    [Range(5, 3600, ErrorMessage = "must be between 5 and 3600 seconds")]
    public int SendingLeaseSeconds { get; set; } = 60;

    /// <summary>How long "sent" is remembered per row: a redelivery or requeue within it skips the row.</summary>
    [Range(1, 90, ErrorMessage = "must be between 1 and 90 days")]
    public int SentRowDays { get; set; } = 14;

    /// <summary>
    /// How long rows of an ambiguous send (timeout, reset after the body, 5xx) wait for a callback proving Clay stored
    /// them before they are sent again. Clay calls back 5–60 s after storing a row; 5 minutes without a callback for
    /// any row of the request means Clay almost surely has none of them (the duplicate bound in the README).
    /// </summary>
    [Range(1, 86_400, ErrorMessage = "must be between 1 and 86400 seconds (default 300: Clay calls back within about a minute)")]
    public int AmbiguousSendDeadlineSeconds { get; set; } = 300;

    [Range(1, 90, ErrorMessage = "must be between 1 and 90 days")]
    public int CancelledJobDays { get; set; } = 14;

    /// <summary>The pause once Clay looks down (see <c>ClayHealth</c>) before the instance resumes and tries again.</summary>
    [Range(1, 3600, ErrorMessage = "must be between 1 and 3600 seconds")]
    public int ClayCoolDownSeconds { get; set; } = 20;

    /// <summary>Failures in a row (no answer from Clay in between) before Clay as a whole may be taken for down.</summary>
    [Range(1, 1000, ErrorMessage = "must be between 1 and 1000 failures")]
    public int ClayDownFailures { get; set; } = 5;

    /// <summary>
    /// How far back the failures and each webhook's last try count when deciding whether Clay is down: a webhook that
    /// answered within it keeps the instance delivering.
    /// </summary>
    [Range(1, 3600, ErrorMessage = "must be between 1 and 3600 seconds")]
    public int ClayDownWindowSeconds { get; set; } = 60;

    /// <summary>The wait of a batch whose webhook failed while Clay as a whole is up, before it goes back to the queue.</summary>
    [Range(1, 600, ErrorMessage = "must be between 1 and 600 seconds")]
    public int WebhookRecheckSeconds { get; set; } = 5;

    /// <summary>How often a paused instance checks whether it can resume.</summary>
    [Range(1, 600, ErrorMessage = "must be between 1 and 600 seconds")]
    public int PauseProbeSeconds { get; set; } = 5;

    /// <summary>How many Clay outages (instance pauses) one batch waits out before it is dead-lettered; a failing webhook alone does not count.</summary>
    [Range(1, 10_000, ErrorMessage = "must be between 1 and 10000")]
    public int MaxClayDeferrals { get; set; } = 30;
}
