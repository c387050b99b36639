using System.ComponentModel.DataAnnotations;

namespace ClayBus.Enricher.Parking;

public sealed class ParkingOptions
{
    public const string Section = "Parking";

    /// <summary>The Monitor's scheduler queue (its <c>Scheduler:QueueName</c>), which holds parked batches in Redis.</summary>
    [Required(ErrorMessage = "is required: the Monitor's scheduler queue, e.g. 'scheduler' (its Scheduler:QueueName)")]
    [RegularExpression("^[a-z0-9._-]{1,100}$", ErrorMessage = "must be 1-100 characters of lower-case letters, digits and . _ - (the Monitor's Scheduler:QueueName)")]
    public string SchedulerQueue { get; set; } = "scheduler";

    /// <summary>How long a parked batch waits before it looks at its table again (full, spent, misconfigured).</summary>
    [Range(1, 3600, ErrorMessage = "must be between 1 and 3600 seconds (default 10)")]
    public int RecheckSeconds { get; set; } = 10;

    // exchange:, not queue:: a send to queue: re-declares the queue, which the Monitor may have made a quorum queue.
    public Uri SchedulerAddress => new($"exchange:{SchedulerQueue}");
}
