using System.ComponentModel.DataAnnotations;

namespace ClayBus.Monitor.Jobs;

public sealed class JobTrackingOptions
{
    public const string Section = "Jobs";

    /// <summary>No progress for this long while rows are outstanding: the job is stuck.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00", ErrorMessage = "must be between 00:00:01 and 7.00:00:00 (e.g. 00:30:00)")]
    public TimeSpan StuckAfter { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Finished jobs (completed or cancelled) are kept in Redis this long for the status API.</summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00", ErrorMessage = "must be between 00:01:00 and 365.00:00:00 (e.g. 7.00:00:00)")]
    public TimeSpan FinishedRetention { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Jobs that never finish (stuck for good) are kept this long after their last change, then expire.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00", ErrorMessage = "must be between 01:00:00 and 365.00:00:00 (e.g. 30.00:00:00)")]
    public TimeSpan UnfinishedRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>The saga hears about callbacks at least this often per job with new callbacks.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00", ErrorMessage = "must be between 00:00:00.050 and 00:05:00 (e.g. 00:00:01)")]
    public TimeSpan ProgressInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>… or sooner, once this many new callbacks arrived for a job.</summary>
    [Range(1, 100_000, ErrorMessage = "must be between 1 and 100000")]
    public int ProgressEveryRows { get; set; } = 100;

    /// <summary>Partitions (by job id) on the saga endpoint: events of one job never race inside a process.</summary>
    [Range(1, 256, ErrorMessage = "must be between 1 and 256")]
    public int SagaPartitions { get; set; } = 16;
}
