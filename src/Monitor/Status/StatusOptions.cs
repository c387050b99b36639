using System.ComponentModel.DataAnnotations;

namespace ClayBus.Monitor.Status;

/// <summary>The status API and dashboard (section <c>Status</c>).</summary>
public sealed class StatusOptions
{
    public const string Section = "Status";

    /// <summary>The webhook runway's rate is measured over this recent window.</summary>
    [Range(5, 7 * 24 * 60, ErrorMessage = "must be between 5 and 10080 minutes (60 by default)")]
    public int WebhookRateWindowMinutes { get; set; } = 60;

    /// <summary>The dead-letter index keeps a group this long after its latest fault.</summary>
    [Range(1, 90, ErrorMessage = "must be between 1 and 90 days (14 by default)")]
    public int DeadLetterRetentionDays { get; set; } = 14;

    [Range(100, 60_000, ErrorMessage = "must be between 100 and 60000 ms (5000 by default)")]
    public int ManagementTimeoutMilliseconds { get; set; } = 5_000;

    /// <summary>
    /// An Enricher's pause older than this is no longer shown: the Enricher publishes a pause once and its resume
    /// when it ends, so without a limit one that died paused would look paused forever. A day covers a budget pause
    /// (it lasts until the daily reset at most).
    /// </summary>
    [Range(1, 7 * 24 * 60, ErrorMessage = "must be between 1 and 10080 minutes (1440 by default)")]
    public int PauseStaleAfterMinutes { get; set; } = 24 * 60;
}
