using System.ComponentModel.DataAnnotations;

namespace ClayBus.ServiceDefaults.Security;

/// <summary>
/// Section <c>Security:Limits</c>: what one request may cost before any endpoint code runs (Kestrel's limits). An
/// endpoint that takes large bodies (the CSV upload) raises its own body limit per request.
/// </summary>
public sealed class HttpLimitsOptions
{
    public const string Section = "Security:Limits";

    [Range(1024, 1L << 30, ErrorMessage = "must be between 1024 bytes and 1 GB (1 MB = 1048576 by default)")]
    public long MaxRequestBodyBytes { get; set; } = 1L << 20;

    [Range(1024, 1 << 20, ErrorMessage = "must be between 1024 bytes and 1 MB (32 KB = 32768 by default)")]
    public int MaxRequestHeadersTotalBytes { get; set; } = 32 * 1024;

    [Range(8, 1000, ErrorMessage = "must be between 8 and 1000 (100 by default)")]
    public int MaxRequestHeaderCount { get; set; } = 100;

    [Range(256, 64 * 1024, ErrorMessage = "must be between 256 bytes and 64 KB (8 KB = 8192 by default)")]
    public int MaxRequestLineBytes { get; set; } = 8 * 1024;

    /// <summary>A client that sends its headers slower than this is cut off (slowloris).</summary>
    [Range(1, 300, ErrorMessage = "must be between 1 and 300 seconds (30 by default)")]
    public int RequestHeadersTimeoutSeconds { get; set; } = 30;
}
