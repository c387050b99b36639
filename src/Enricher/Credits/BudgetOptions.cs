using System.ComponentModel.DataAnnotations;

namespace ClayBus.Enricher.Credits;

public sealed class BudgetOptions : IValidatableObject
{
    public const string Section = "Budget";

    /// <summary>Data Credits per local day; the operator API can change it at run time (kept in Redis).</summary>
    [Range(typeof(decimal), "0", "1000000000", ErrorMessage = "must be between 0 and 1000000000 credits per day")]
    public decimal DailyLimit { get; set; } = 5_000;

    /// <summary>Optional cap per calendar month (in the same time zone).</summary>
    [Range(typeof(decimal), "0", "100000000000", ErrorMessage = "must be between 0 and 100000000000 credits per month, or unset")]
    public decimal? MonthlyLimit { get; set; }

    /// <summary>The IANA time zone whose midnight starts a budget day, e.g. 'Europe/Berlin'.</summary>
    [Required(ErrorMessage = "is required: an IANA time zone such as 'UTC' or 'America/New_York'")]
    public string TimeZone { get; set; } = "UTC";

    /// <summary>The share of the daily limit at which <c>BudgetThresholdReached</c> is published.</summary>
    [Range(0.01, 1, ErrorMessage = "must be a share between 0.01 and 1 (0.8 = 80%)")]
    public double AlertShare { get; set; } = 0.8;

    /// <summary>How long a row's reservation waits for its callback before it is forgotten.</summary>
    [Range(1, 90, ErrorMessage = "must be between 1 and 90 days")]
    public int ReservationDays { get; set; } = 7;

    /// <summary>Clay's second meter: Actions per day and per month (Launch 15,000, Growth 40,000 a month).</summary>
    public ActionsBudgetOptions Actions { get; set; } = new();

    /// <summary>A callback charging more than this for one row is absurd (forged or garbled): it moves no money.</summary>
    [Range(typeof(decimal), "1", "1000000", ErrorMessage = "must be between 1 and 1000000 Data Credits per row")]
    public decimal MaxChargePerRow { get; set; } = 1_000;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!TimeZoneInfo.TryFindSystemTimeZoneById(TimeZone, out _))
        {
            yield return new ValidationResult($"'{TimeZone}' is not a known time zone: use an IANA id such as 'UTC' or 'Europe/Berlin'", [nameof(TimeZone)]);
        }
    }
}

/// <summary><c>Budget:Actions</c>: both limits optional (unset = unlimited); the operator API can change them at run time.</summary>
public sealed class ActionsBudgetOptions
{
    [Range(0d, 1e9, ErrorMessage = "must be between 0 and 1000000000 Actions per day, or unset (unlimited)")]
    public long? DailyLimit { get; set; }

    [Range(0d, 1e11, ErrorMessage = "must be between 0 and 100000000000 Actions per month, or unset (unlimited)")]
    public long? MonthlyLimit { get; set; }
}
