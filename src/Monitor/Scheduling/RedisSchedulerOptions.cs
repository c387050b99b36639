using System.ComponentModel.DataAnnotations;

namespace ClayBus.Monitor.Scheduling;

public sealed class RedisSchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>The queue MassTransit sends ScheduleMessage / CancelScheduledMessage to (<c>queue:scheduler</c>).</summary>
    [Required(ErrorMessage = "is required: the scheduler's queue name, e.g. 'scheduler'")]
    [RegularExpression("^[a-z0-9._-]{1,100}$", ErrorMessage = "must be 1-100 characters of lower-case letters, digits and . _ -")]
    public string QueueName { get; set; } = "scheduler";

    /// <summary>How often an idle poller looks for due messages: the worst-case lateness of a timeout.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:01:00", ErrorMessage = "must be between 00:00:00.010 and 00:01:00 (e.g. 00:00:00.250)")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A claimed message is hidden from other instances this long; if its claimant dies, another sends it after.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00", ErrorMessage = "must be between 00:00:01 and 01:00:00 (e.g. 00:00:30)")]
    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    [Range(1, 1000, ErrorMessage = "must be between 1 and 1000")]
    public int BatchSize { get; set; } = 100;

    // exchange:, not queue:: sending to queue: re-declares the queue without its type, which a quorum queue refuses.
    public Uri Address => new($"exchange:{QueueName}");
}
