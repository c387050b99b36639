using System.ComponentModel.DataAnnotations;

namespace ClayBus.Monitor.Callbacks;

public sealed class CallbackOptions : IValidatableObject
{
    public const string Section = "Callbacks";

    public const string SecretHeader = "x-claybus-callback-secret";

    /// <summary>Valid shared secrets: two during a rotation (add the new one, switch Clay's column, remove the old one).</summary>
    public List<string> Secrets { get; set; } = [];

    [Range(1024, 10 * 1024 * 1024, ErrorMessage = "must be between 1024 and 10485760 bytes")]
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>How long row lineage and callback idempotency keys are kept.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "365.00:00:00", ErrorMessage = "must be between 01:00:00 and 365.00:00:00 (e.g. 30.00:00:00)")]
    public TimeSpan RowRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>A callback charging more Data Credits than this for one row is refused (answered 2xx, settles nothing).</summary>
    [Range(typeof(decimal), "0", "1000000", ErrorMessage = "must be between 0 and 1000000 Data Credits (e.g. 1000); set it above the dearest row of any table's waterfall")]
    public decimal MaxDataCreditsPerRow { get; set; } = 1_000;

    /// <summary>A callback charging more Actions than this for one row is refused (answered 2xx, settles nothing).</summary>
    [Range(1, 100_000, ErrorMessage = "must be between 1 and 100000 Actions (e.g. 100); set it above the most enrichments a table's row can run")]
    public int MaxActionsPerRow { get; set; } = 100;

    /// <summary>How long a callback waits for the broker to take its row event before Clay is answered 503 (retry).</summary>
    [Range(1, 120, ErrorMessage = "must be between 1 and 120 seconds (e.g. 10); keep it below Clay's request timeout")]
    public int PublishTimeoutSeconds { get; set; } = 10;

    /// <summary>Callbacks failing to publish, none succeeding, for this long: the process exits (75) to be restarted.</summary>
    [Range(10, 3600, ErrorMessage = "must be between 10 and 3600 seconds (e.g. 90); longer than a broker restart takes")]
    public int PublishStallSeconds { get; set; } = 90;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Secrets.Count == 0 || Secrets.Any(secret => string.IsNullOrWhiteSpace(secret) || secret.Length < 16))
        {
            yield return new ValidationResult(
                "needs at least one secret of 16 or more characters (environment Callbacks__Secrets__0 from a secret store); the same value goes in Clay's HTTP API column header " + SecretHeader,
                [nameof(Secrets)]);
        }
    }
}
