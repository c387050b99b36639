using ClayBus.Contracts.Tracking;

namespace ClayBus.Monitor.Providers;

/// <summary>A provider's last attempts: how many there are and how many the provider answered.</summary>
public readonly record struct ProviderWindow(int Samples, int Successes)
{
    public double SuccessRate => Samples == 0 ? 1.0 : (double)Successes / Samples;

    /// <summary>
    /// Whether an outcome counts for the provider's health, and as what. A provider that answers "no data" is
    /// healthy: it did its job, the lead is just unknown to it. Errors and timeouts are failures. Skipped providers
    /// were not asked and say nothing.
    /// </summary>
    public static bool? IsSuccess(ProviderResult result) => result switch
    {
        ProviderResult.Hit or ProviderResult.NoData => true,
        ProviderResult.Error or ProviderResult.Timeout => false,
        _ => null,
    };
}
