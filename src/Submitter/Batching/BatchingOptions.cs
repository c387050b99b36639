using System.ComponentModel.DataAnnotations;

namespace ClayBus.Submitter.Batching;

public sealed class BatchingOptions
{
    public const string Section = "Batching";

    /// <summary>
    /// What the Enricher adds to every record (<c>claybus_row_id</c> of 32 characters, <c>claybus_job_id</c>,
    /// <c>claybus_trace</c>, separators: 182 bytes), reserved with some to spare so that a full batch still fits
    /// <see cref="MaxBatchBytes"/> as Clay receives it.
    /// </summary>
    public const int PerRowOverheadBytes = 192;

    [Range(1, 1000, ErrorMessage = "must be between 1 and 1000 rows (50 by default)")]
    public int MaxRows { get; set; } = 50;

    /// <summary>Clay refuses requests over 100 KB; production clients stay at 90 KB.</summary>
    [Range(1024, 102_400, ErrorMessage = "must be between 1024 and 102400 bytes (Clay's request limit is 100 KB; 92160 = 90 KB by default)")]
    public int MaxBatchBytes { get; set; } = 92_160;

    /// <summary>Batches awaiting the broker's confirm at once: a serial loop manages ~900 msg/s here.</summary>
    [Range(1, 512, ErrorMessage = "must be between 1 and 512 (32 by default)")]
    public int PublishConcurrency { get; set; } = 32;

    /// <summary>The largest record a row may have: one row alone must fit a batch.</summary>
    public int MaxRecordBytes => MaxBatchBytes - 2 - PerRowOverheadBytes;
}
