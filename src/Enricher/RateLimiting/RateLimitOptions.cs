using System.ComponentModel.DataAnnotations;

namespace ClayBus.Enricher.RateLimiting;

public sealed class RateLimitOptions
{
    public const string Section = "RateLimit";

    /// <summary>Clay's per-workspace limit: every Enricher process together stays under it.</summary>
    [Range(0.1, 100_000, ErrorMessage = "must be between 0.1 and 100000 records per second (Clay allows 10)")]
    public double RecordsPerSecond { get; set; } = 10;

    /// <summary>Clay's burst (bucket capacity) in records.</summary>
    [Range(1, 100_000, ErrorMessage = "must be between 1 and 100000 records (Clay allows 20)")]
    public int Burst { get; set; } = 20;

    /// <summary>
    /// Records of the server's burst the client never uses. Network jitter can bunch requests at the server; keeping
    /// the client's bucket this much smaller than Clay's means it is never ahead of Clay's, so 429s stay rare.
    /// </summary>
    [Range(0, 100_000, ErrorMessage = "must be between 0 and Burst - 1 records")]
    public int BurstMargin { get; set; } = 4;

    /// <summary>The shared bucket's name: one per Clay workspace.</summary>
    [Required(ErrorMessage = "is required: a name for the Clay workspace, e.g. 'default'")]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "must be 1-64 letters, digits, '_', '.' or '-'")]
    public string Workspace { get; set; } = "default";

    /// <summary>Multiplicative decrease of the shared rate on a 429 (0.5 halves it).</summary>
    [Range(0.05, 1, ErrorMessage = "must be between 0.05 and 1")]
    public double DecreaseFactor { get; set; } = 0.5;

    /// <summary>Additive increase back towards <see cref="RecordsPerSecond"/>: records/s regained per second.</summary>
    [Range(0.001, 100_000, ErrorMessage = "must be between 0.001 and 100000 records per second per second")]
    public double IncreasePerSecond { get; set; } = 1;

    /// <summary>The floor of the shared rate after decreases, as a share of <see cref="RecordsPerSecond"/>.</summary>
    [Range(0.01, 1, ErrorMessage = "must be between 0.01 and 1")]
    public double MinimumShare { get; set; } = 0.1;

    /// <summary>The longest a caller reserves ahead; beyond it the caller waits and asks again, so a dead caller wastes little.</summary>
    [Range(1, 3600, ErrorMessage = "must be between 1 and 3600 seconds")]
    public int MaxReserveAheadSeconds { get; set; } = 30;

    /// <summary>The client's own bucket: what one request may hold at most.</summary>
    public int EffectiveBurst => Math.Max(1, Burst - BurstMargin);
}
