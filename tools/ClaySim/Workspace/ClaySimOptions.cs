using System.ComponentModel.DataAnnotations;
using ClayBus.ClaySim.Enrichment;

namespace ClayBus.ClaySim.Workspace;

/// <summary>
/// The <c>ClaySim</c> configuration section: the default workspace (tables, providers) and the starting values of
/// every setting <c>PUT /_sim/config</c> can change. Defaults are Clay's published numbers.
/// </summary>
public sealed class ClaySimOptions : IValidatableObject
{
    public const string Section = "ClaySim";

    [Range(1, 1_000_000)]
    public int BucketCapacity { get; set; } = 20;

    [Range(0.001, 1_000_000)]
    public double RefillPerSecond { get; set; } = 10;

    /// <summary>False switches the token bucket off (benchmarks); caps still apply.</summary>
    public bool LimitsEnabled { get; set; } = true;

    [Range(0.001, 1_000_000)]
    public double SpeedFactor { get; set; } = 1;

    public long Seed { get; set; } = 42;

    /// <summary>Over a cap Clay answers 200 and drops silently; true answers 403 instead and stores nothing.</summary>
    public bool LoudCapErrors { get; set; }

    /// <summary>False only counts what arrives (no enrichment, no callbacks): benchmarks of the ingest path.</summary>
    public bool EnrichmentEnabled { get; set; } = true;

    [Range(1, 100_000)]
    public int EnrichmentConcurrency { get; set; } = 1000;

    [Range(1, 10_000_000)]
    public int EnrichmentQueueCapacity { get; set; } = 100_000;

    /// <summary>Time a row waits inside Clay besides its provider calls (columns, queueing), in Clay's milliseconds.</summary>
    [Range(0, 3_600_000)]
    public int EnrichmentOverheadMinMs { get; set; } = 2_000;

    [Range(0, 3_600_000)]
    public int EnrichmentOverheadMaxMs { get; set; } = 15_000;

    [Range(0, 100)]
    public int CallbackRetries { get; set; } = 3;

    [Range(0, 3_600_000)]
    public int CallbackRetryBackoffMs { get; set; } = 1_000;

    [Range(1, 300)]
    public int CallbackTimeoutSeconds { get; set; } = 10;

    [Required, Url]
    public string CallbackBaseUrl { get; set; } = "http://127.0.0.1:5103";

    [Required]
    public string CallbackSecret { get; set; } = "dev-only-callback-secret";

    /// <summary>The base of the webhook URLs handed out (e.g. <c>http://claysim:8080</c>); empty: the request's own host.</summary>
    public string? PublicBaseUrl { get; set; }

    [Range(1, int.MaxValue)]
    public int WebhookCap { get; set; } = 50_000;

    [Range(1, int.MaxValue)]
    public int TableRowCap { get; set; } = 50_000;

    [Range(1, 10_000)]
    public int CallbackOutOfOrderWindow { get; set; } = 5;

    public bool PrintWebhookUrls { get; set; } = true;

    public Dictionary<string, ProviderProfile> Providers { get; set; } = new(StringComparer.Ordinal);

    public List<TableDefinition> Tables { get; set; } = [];

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (EnrichmentOverheadMaxMs < EnrichmentOverheadMinMs)
        {
            yield return new ValidationResult($"{Section}:EnrichmentOverheadMaxMs must be at least {Section}:EnrichmentOverheadMinMs", [nameof(EnrichmentOverheadMaxMs)]);
        }

        foreach (var (name, provider) in Providers)
        {
            if (provider.Problem() is { } problem)
            {
                yield return new ValidationResult($"{Section}:Providers:{name}: {problem}", [nameof(Providers)]);
            }
        }

        for (var index = 0; index < Tables.Count; index++)
        {
            var table = Tables[index];
            var key = $"{Section}:Tables:{index}";
            if (!TableDefinition.IsValidKey(table.Key))
            {
                yield return new ValidationResult($"{key}:Key must be 1-100 letters, digits or '-' (got '{table.Key}')", [nameof(Tables)]);
            }

            foreach (var provider in table.Waterfall.Where(p => !Providers.ContainsKey(p)))
            {
                yield return new ValidationResult($"{key}:Waterfall names provider '{provider}', which is not under {Section}:Providers", [nameof(Tables)]);
            }

            if (table.Webhooks is < 0 or > 100)
            {
                yield return new ValidationResult($"{key}:Webhooks must be 0-100", [nameof(Tables)]);
            }
        }
    }
}

/// <summary>A table of the default workspace.</summary>
public sealed class TableDefinition
{
    public string Key { get; set; } = "";

    public bool AutoDelete { get; set; }

    public int? RowCap { get; set; }

    public int? WebhookCap { get; set; }

    /// <summary>How many webhooks to create at start.</summary>
    public int Webhooks { get; set; } = 2;

    public bool WithToken { get; set; } = true;

    public string? CallbackUrl { get; set; }

    public List<string> Waterfall { get; set; } = [];

    public static bool IsValidKey(string? key) =>
        !string.IsNullOrEmpty(key) && key.Length <= 100 && key.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');
}
