namespace ClayBus.ClaySim.Enrichment;

/// <summary>
/// How one data provider behaves inside a waterfall. Latencies are Clay's real milliseconds (scaled by the speed
/// factor); rates are probabilities per call, drawn in this order: timeout, error, then hit or no data.
/// </summary>
public sealed record ProviderProfile
{
    public double HitRate { get; init; } = 0.4;

    public int LatencyMinMs { get; init; } = 1_000;

    public int LatencyMaxMs { get; init; } = 5_000;

    public double ErrorRate { get; init; } = 0.02;

    public double TimeoutRate { get; init; } = 0.01;

    /// <summary>How long a call that times out takes before Clay gives up on it.</summary>
    public int TimeoutMs { get; init; } = 10_000;

    public double DataCredits { get; init; } = 2;

    /// <summary>The customer's own API key: Actions are still spent, Data Credits are 0.</summary>
    public bool OwnKey { get; init; }

    public string? Problem() =>
        HitRate is < 0 or > 1 ? "HitRate must be between 0 and 1"
        : ErrorRate is < 0 or > 1 ? "ErrorRate must be between 0 and 1"
        : TimeoutRate is < 0 or > 1 ? "TimeoutRate must be between 0 and 1"
        : ErrorRate + TimeoutRate > 1 ? "ErrorRate + TimeoutRate must not exceed 1"
        : LatencyMinMs < 0 || LatencyMaxMs < LatencyMinMs ? "LatencyMinMs must be >= 0 and LatencyMaxMs >= LatencyMinMs"
        : TimeoutMs < 0 ? "TimeoutMs must be >= 0"
        : DataCredits is < 0 or > 1_000 ? "DataCredits must be between 0 and 1000"
        : null;
}
