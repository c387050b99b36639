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

    /// <summary>
    /// Rows of one CSV upload. Past it the upload stops with 413, as past <see cref="MaxCsvBytes"/>: the rows read
    /// before are published and reported, and the rest must come as another file.
    /// </summary>
    [Range(1, 100_000_000, ErrorMessage = "must be between 1 and 100000000 rows (5000000 by default)")]
    public int MaxCsvRows { get; set; } = 5_000_000;

    /// <summary>A JSON job's body: <c>POST /jobs</c>, and a <c>SubmitJob</c> message from the broker.</summary>
    [Range(1024, 1L << 32, ErrorMessage = "must be at least 1024 bytes (64 MB = 67108864 by default)")]
    public long MaxJsonBytes { get; set; } = 64L << 20;

    /// <summary>
    /// Rows of one JSON job (<c>POST /jobs</c> or a <c>SubmitJob</c> message). Unlike a CSV, a JSON job is in hand
    /// whole before it runs, so one over the limit is refused whole and nothing is published.
    /// </summary>
    [Range(1, 100_000_000, ErrorMessage = "must be between 1 and 100000000 rows (1000000 by default)")]
    public int MaxJsonRows { get; set; } = 1_000_000;

    /// <summary>
    /// Kestrel's <c>MinRequestBodyDataRate</c> for this service: a body that arrives slower (measured only while the
    /// Submitter waits for it, after <see cref="MinBodyGraceSeconds"/>) is cut off with 408, so a trickling client
    /// cannot hold a connection and a job open for hours.
    /// </summary>
    [Range(1, 10_000_000, ErrorMessage = "must be between 1 and 10000000 bytes a second (1024 by default)")]
    public int MinBodyBytesPerSecond { get; set; } = 1024;

    [Range(1, 300, ErrorMessage = "must be between 1 and 300 seconds (10 by default)")]
    public int MinBodyGraceSeconds { get; set; } = 10;

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
