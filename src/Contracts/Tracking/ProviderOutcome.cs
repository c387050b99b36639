namespace ClayBus.Contracts.Tracking;

/// <summary>What one provider of Clay's waterfall did for one row.</summary>
public enum ProviderResult
{
    /// <summary>Found data; the waterfall stopped here and this provider was charged.</summary>
    Hit,

    /// <summary>Answered without data; not charged.</summary>
    NoData,

    /// <summary>Failed with an error; not charged.</summary>
    Error,

    /// <summary>Did not answer in time; not charged.</summary>
    Timeout,

    /// <summary>Not tried, because an earlier provider hit.</summary>
    Skipped,
}

/// <summary>One provider's outcome for one row, as Clay's HTTP API column reports it.</summary>
/// <param name="DataCredits">Data Credits charged by this provider (0 unless <see cref="ProviderResult.Hit"/>, 0 with own keys).</param>
public record ProviderOutcome(string Provider, ProviderResult Result, decimal DataCredits, int? LatencyMs = null);
