using System.ComponentModel.DataAnnotations;

namespace ClayBus.Enricher.ClayClient;

public sealed class ClayOptions
{
    public const string Section = "Clay";

    [Range(1, 300, ErrorMessage = "must be between 1 and 300 seconds")]
    public int AttemptTimeoutSeconds { get; set; } = 10;

    /// <summary>Retries of one request after a 5xx, a timeout or a connection error (exponential backoff with jitter).</summary>
    [Range(0, 10, ErrorMessage = "must be between 0 and 10 retries")]
    public int TransientRetries { get; set; } = 3;

    [Range(10, 60_000, ErrorMessage = "must be between 10 and 60000 milliseconds")]
    public int RetryBaseDelayMilliseconds { get; set; } = 500;

    /// <summary>How many 429s one request waits out (each wait is Clay's Retry-After, through the shared limiter).</summary>
    [Range(0, 10_000, ErrorMessage = "must be between 0 and 10000 retries")]
    public int RateLimitedRetries { get; set; } = 120;

    /// <summary>The wait after a 429 that carries no Retry-After.</summary>
    [Range(1, 600, ErrorMessage = "must be between 1 and 600 seconds")]
    public int DefaultRetryAfterSeconds { get; set; } = 1;

    /// <summary>Per webhook: the breaker opens when this share of calls failed in the sampling window.</summary>
    [Range(0.01, 1, ErrorMessage = "must be a share between 0.01 and 1")]
    public double BreakerFailureRatio { get; set; } = 0.5;

    [Range(2, 1000, ErrorMessage = "must be between 2 and 1000 calls")]
    public int BreakerMinimumThroughput { get; set; } = 4;

    [Range(1, 600, ErrorMessage = "must be between 1 and 600 seconds")]
    public int BreakerSamplingSeconds { get; set; } = 30;

    [Range(1, 600, ErrorMessage = "must be between 1 and 600 seconds")]
    public int BreakerBreakSeconds { get; set; } = 15;
}
