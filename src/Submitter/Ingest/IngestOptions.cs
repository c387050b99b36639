using System.ComponentModel.DataAnnotations;

namespace ClayBus.Submitter.Ingest;

public sealed class IngestOptions
{
    public const string Section = "Ingest";

    [Range(1024, 1L << 40, ErrorMessage = "must be at least 1024 bytes (1 GB = 1073741824 by default)")]
    public long MaxCsvBytes { get; set; } = 1L << 30;

    /// <summary>One CSV cell; a longer one stops the upload with 413 (a row must fit a 90 KB batch anyway).</summary>
    [Range(1024, 64L << 20, ErrorMessage = "must be between 1024 bytes and 64 MB (1 MB = 1048576 by default)")]
    public int MaxCsvFieldBytes { get; set; } = 1 << 20;

    [Range(1024, 1L << 32, ErrorMessage = "must be at least 1024 bytes (64 MB = 67108864 by default)")]
    public long MaxJsonBytes { get; set; } = 64L << 20;

    /// <summary>Rejections listed in a report (all are counted).</summary>
    [Range(1, 100_000, ErrorMessage = "must be between 1 and 100000")]
    public int MaxRejectionsReported { get; set; } = 100;

    /// <summary>Rows listed one by one in a dry run's report (all are counted).</summary>
    [Range(0, 100_000, ErrorMessage = "must be between 0 and 100000")]
    public int MaxDryRunRows { get; set; } = 1_000;

    /// <summary>Rows checked against Redis in one round trip.</summary>
    [Range(1, 10_000, ErrorMessage = "must be between 1 and 10000")]
    public int DedupeChunkRows { get; set; } = 500;
}
