using System.ComponentModel.DataAnnotations;

namespace ClayBus.Monitor.Providers;

/// <summary>How provider health judges Clay's waterfall providers (section <c>ProviderHealth</c>).</summary>
public sealed class ProviderHealthOptions : IValidatableObject
{
    public const string Section = "ProviderHealth";

    /// <summary>The last N attempts per provider that count.</summary>
    [Range(10, 10_000, ErrorMessage = "must be between 10 and 10000 attempts (100 by default)")]
    public int WindowSize { get; set; } = 100;

    /// <summary>Below this success rate (with at least <see cref="MinimumSamples"/>) a provider is degraded.</summary>
    [Range(0.01, 0.99, ErrorMessage = "must be a share between 0.01 and 0.99 (0.5 by default)")]
    public double DegradedBelow { get; set; } = 0.5;

    /// <summary>
    /// A degraded provider recovers at <see cref="DegradedBelow"/> + this margin, so a provider hovering at the
    /// threshold does not flip routing back and forth on every callback.
    /// </summary>
    [Range(0.0, 0.5, ErrorMessage = "must be a share between 0 and 0.5 (0.1 by default)")]
    public double RecoveryMargin { get; set; } = 0.1;

    /// <summary>
    /// Distinct provider names kept (Redis windows and metric series); outcomes of names past it count under
    /// <c>other</c>. Set it above the number of providers in every table's waterfall.
    /// </summary>
    [Range(1, 1000, ErrorMessage = "must be between 1 and 1000 provider names (50 by default); set it above the providers of every table's waterfall")]
    public int MaxProviders { get; set; } = 50;

    [Range(1, 10_000, ErrorMessage = "must be between 1 and 10000 attempts (20 by default)")]
    public int MinimumSamples { get; set; } = 20;

    /// <summary>As Envoy's max_ejection_percent: at most this share of known providers is routed around at once (at least one).</summary>
    [Range(0.0, 1.0, ErrorMessage = "must be a share between 0 and 1 (0.5 by default)")]
    public double MaxEjectedShare { get; set; } = 0.5;

    /// <summary>Share of a rerouted table's new batches that still go to the original table, so recovery is seen.</summary>
    [Range(0.0, 0.5, ErrorMessage = "must be a share between 0 and 0.5 (0.05 by default)")]
    public double ProbeShare { get; set; } = 0.05;

    /// <summary>
    /// How often each Monitor reads every provider's window for the <c>claybus.provider.success_rate</c> gauge, so an
    /// instance that takes no callbacks still reports the shared figures (outcomes it records update it at once).
    /// </summary>
    [Range(1, 3600, ErrorMessage = "must be between 1 and 3600 seconds (15 by default)")]
    public int MetricRefreshSeconds { get; set; } = 15;

    /// <summary>
    /// How often each Monitor re-publishes every table's current route, so a Submitter that missed a change (a Monitor
    /// killed between making and publishing it) follows within this time.
    /// </summary>
    [Range(1, 3600, ErrorMessage = "must be between 1 and 3600 seconds (30 by default)")]
    public int RouteAnnounceSeconds { get; set; } = 30;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (MinimumSamples > WindowSize)
        {
            yield return new ValidationResult(
                $"must not exceed WindowSize ({WindowSize}): the window could never hold enough samples",
                [nameof(MinimumSamples)]);
        }

        if (DegradedBelow + RecoveryMargin > 1.0)
        {
            yield return new ValidationResult("DegradedBelow + RecoveryMargin must stay at or below 1", [nameof(RecoveryMargin)]);
        }
    }
}

/// <summary>
/// One table's variants, from the same <c>Tables</c> section the Submitter reads:
/// <c>"Tables": { "outbound-leads-tech": { "Variants": { "apollo": "outbound-leads-tech-no-apollo" } } }</c>.
/// Only <see cref="Variants"/> matters here; the section's other keys belong to the Submitter and Enricher.
/// </summary>
public sealed class TableVariants
{
    /// <summary>Provider name → the table whose waterfall leaves that provider out.</summary>
    public Dictionary<string, string> Variants { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}
