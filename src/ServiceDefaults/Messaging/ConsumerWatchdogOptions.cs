using System.ComponentModel.DataAnnotations;

namespace ClayBus.ServiceDefaults.Messaging;

/// <summary>The consumer watchdog (section <c>ConsumerWatchdog</c>), see <see cref="ConsumerWatchdog"/>.</summary>
public sealed class ConsumerWatchdogOptions
{
    public const string Section = "ConsumerWatchdog";

    public bool Enabled { get; set; } = true;

    [Range(1, 600, ErrorMessage = "must be between 1 and 600 seconds (10 by default)")]
    public int IntervalSeconds { get; set; } = 10;

    /// <summary>How long a queue this process consumed from may have no consumer of its own before the bus is restarted.</summary>
    [Range(5, 3600, ErrorMessage = "must be between 5 and 3600 seconds (45 by default): long enough for MassTransit's own reconnect")]
    public int StallSeconds { get; set; } = 45;

    /// <summary>A bus that cannot be stopped and started within this time ends the process, for its supervisor to restart.</summary>
    [Range(5, 600, ErrorMessage = "must be between 5 and 600 seconds (60 by default)")]
    public int RestartTimeoutSeconds { get; set; } = 60;
}
