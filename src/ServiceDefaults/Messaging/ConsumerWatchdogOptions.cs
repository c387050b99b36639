using System.ComponentModel.DataAnnotations;

namespace ClayBus.ServiceDefaults.Messaging;

/// <summary>The consumer watchdog (section <c>ConsumerWatchdog</c>), see <see cref="ConsumerWatchdog"/>.</summary>
public sealed class ConsumerWatchdogOptions
{
    public const string Section = "ConsumerWatchdog";

    public bool Enabled { get; set; } = true;

    [Range(1, 600, ErrorMessage = "must be between 1 and 600 seconds (10 by default)")]
    public int IntervalSeconds { get; set; } = 10;

    /// <summary>How long a queue this process consumed from may have no consumer of its own before the process exits.</summary>
    [Range(5, 3600, ErrorMessage = "must be between 5 and 3600 seconds (45 by default): long enough for MassTransit's own reconnect")]
    public int StallSeconds { get; set; } = 45;

    /// <summary>Up to this many seconds more, drawn once per process, so replicas that lost one node exit apart.</summary>
    [Range(0, 600, ErrorMessage = "must be between 0 and 600 seconds (15 by default)")]
    public int JitterSeconds { get; set; } = 15;

    /// <summary>A graceful stop that has not finished after this long becomes a hard exit (same code, 75).</summary>
    [Range(5, 600, ErrorMessage = "must be between 5 and 600 seconds (45 by default)")]
    public int ExitTimeoutSeconds { get; set; } = 45;
}
