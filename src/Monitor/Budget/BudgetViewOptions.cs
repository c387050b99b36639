using System.ComponentModel.DataAnnotations;

namespace ClayBus.Monitor.Budget;

/// <summary>
/// The Monitor's side of the budget (section <c>Budget</c>; the limit itself is the Enricher's ledger's, keys the
/// Monitor does not read are ignored here).
/// </summary>
public sealed class BudgetViewOptions : IValidatableObject
{
    public const string Section = "Budget";

    /// <summary>IANA time zone of the budget day; must match the Enricher's, or "today" differs between them.</summary>
    [Required(ErrorMessage = "is required: an IANA time zone such as 'UTC' or 'Europe/Paris'")]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The share of the limit the status shows as "alert"; the same key as the ledger's, so both agree.</summary>
    [Range(0.01, 1, ErrorMessage = "must be a share between 0.01 and 1 (0.8 = 80%)")]
    public double AlertShare { get; set; } = 0.8;

    /// <summary>The key <see cref="StoreTimeoutMilliseconds"/> had before; still read when the new key is not set.</summary>
    public const string RetiredStoreTimeoutKey = "LedgerTimeoutMilliseconds";

    /// <summary>How long the status API waits for the Enricher's credit store (GetBudgetStatus) before it says "unknown".</summary>
    [Range(100, 30_000, ErrorMessage = "must be between 100 and 30000 ms (2000 by default)")]
    public int StoreTimeoutMilliseconds { get; set; } = 2_000;

    /// <summary>The burn rate is measured over this recent window.</summary>
    [Range(5, 24 * 60, ErrorMessage = "must be between 5 and 1440 minutes (60 by default)")]
    public int ForecastWindowMinutes { get; set; } = 60;

    /// <summary>Recent burn weighs most: an interval's weight halves with each half-life of age.</summary>
    [Range(1, 24 * 60, ErrorMessage = "must be between 1 and 1440 minutes (10 by default), and not above Budget:ForecastWindowMinutes")]
    public int ForecastHalfLifeMinutes { get; set; } = 10;

    /// <summary>No rise in use for this long means nothing is being delivered: the burn rate is zero.</summary>
    [Range(1, 24 * 60, ErrorMessage = "must be between 1 and 1440 minutes (2 by default), and not above Budget:ForecastWindowMinutes")]
    public int ForecastIdleAfterMinutes { get; set; } = 2;

    /// <summary>How often the Monitor samples the ledger for the burn rate; 0 turns sampling off.</summary>
    [Range(0, 3600, ErrorMessage = "must be between 0 (off) and 3600 seconds (30 by default)")]
    public int SampleIntervalSeconds { get; set; } = 30;

    [Range(10, 100_000, ErrorMessage = "must be between 10 and 100000 entries (1000 by default)")]
    public int AuditEntries { get; set; } = 1_000;

    /// <summary>Charges above a price list kept per table (newest first) for the status and <c>GET /budget/holds</c>.</summary>
    [Range(1, 1_000, ErrorMessage = "must be between 1 and 1000 anomalies per table (20 by default)")]
    public int AnomaliesPerTable { get; set; } = 20;

    /// <summary>A table's anomalies are forgotten this long after its last one (and its warning is logged again).</summary>
    [Range(1, 90, ErrorMessage = "must be between 1 and 90 days (7 by default)")]
    public int AnomalyDays { get; set; } = 7;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult($"'{TimeZone}' is not a known time zone: use an IANA id such as 'UTC' or 'Europe/Paris'", [nameof(TimeZone)]);
        }

        if (ForecastHalfLifeMinutes > ForecastWindowMinutes || ForecastIdleAfterMinutes > ForecastWindowMinutes)
        {
            yield return new ValidationResult(
                $"Budget:ForecastHalfLifeMinutes ({ForecastHalfLifeMinutes}) and Budget:ForecastIdleAfterMinutes ({ForecastIdleAfterMinutes}) must not exceed Budget:ForecastWindowMinutes ({ForecastWindowMinutes}): lower them or widen the window",
                [nameof(ForecastHalfLifeMinutes), nameof(ForecastIdleAfterMinutes)]);
        }
    }

    /// <summary>
    /// Takes <c>Budget:LedgerTimeoutMilliseconds</c> when <c>Budget:StoreTimeoutMilliseconds</c> is not set, so
    /// deployments written before the rename keep their timeout; true when it did (the host then warns).
    /// </summary>
    public bool ApplyRetiredKeys(IConfiguration section)
    {
        if (!UsesRetiredKey(section))
        {
            return false;
        }

        StoreTimeoutMilliseconds = section.GetValue<int>(RetiredStoreTimeoutKey);
        return true;
    }

    /// <summary>Whether the retired key is what sets the timeout: it is set and the new key is not.</summary>
    public static bool UsesRetiredKey(IConfiguration section) =>
        section[RetiredStoreTimeoutKey] is not null && section[nameof(StoreTimeoutMilliseconds)] is null;

    public BurnRateRules BurnRate => new(
        TimeSpan.FromMinutes(ForecastWindowMinutes),
        TimeSpan.FromMinutes(ForecastHalfLifeMinutes),
        TimeSpan.FromMinutes(ForecastIdleAfterMinutes));

    public TimeZoneInfo Zone => TimeZoneInfo.FindSystemTimeZoneById(TimeZone);
}
