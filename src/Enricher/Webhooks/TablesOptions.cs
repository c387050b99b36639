using System.ComponentModel.DataAnnotations;

namespace ClayBus.Enricher.Webhooks;

/// <summary>
/// The <c>Tables</c> section shared with the Submitter: <c>Tables:&lt;table-key&gt;:Webhooks:&lt;n&gt;:Url|Token</c> and
/// <c>Tables:&lt;table-key&gt;:AutoDelete|MaxRows|WarnRows</c>. The Enricher reads only these keys and ignores the Submitter's. URLs and
/// tokens come from secrets (environment or secret files) and are re-read on change, without a restart.
/// </summary>
public sealed class TablesOptions
{
    public Dictionary<string, TableOptions> Tables { get; set; } = new(StringComparer.Ordinal);
}

public sealed class TableOptions
{
    /// <summary>An Enterprise table with auto-delete: its webhooks have no lifetime cap.</summary>
    public bool AutoDelete { get; set; }

    /// <summary>Rows sent to the table after which it is full (Clay drops rows past 50,000 silently): 45,000 when unset.</summary>
    public long? MaxRows { get; set; }

    /// <summary>Rows sent after which <c>WebhookCapacityLow</c> warns for the table: 8/9 of <see cref="MaxRows"/> when unset.</summary>
    public long? WarnRows { get; set; }

    /// <summary>The table's webhook pool, used in this order.</summary>
    public List<WebhookEndpointOptions> Webhooks { get; set; } = [];

    /// <summary>What a row can cost at most in Data Credits and Actions: reserved before it is sent.</summary>
    public Credits.PriceListOptions? Prices { get; set; }
}

public sealed class WebhookEndpointOptions : IValidatableObject
{
    /// <summary>Secret: the webhook's full URL. Never logged (only its last 6 characters).</summary>
    public string Url { get; set; } = "";

    /// <summary>Secret: the optional <c>x-clay-webhook-auth</c> token.</summary>
    public string? Token { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        // The message never repeats the value: it is a secret.
        if (!Uri.TryCreate(Url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            yield return new ValidationResult(
                "must be the webhook's absolute http(s) URL, e.g. https://api.clay.com/v3/sources/webhook/pull-in-data-from-a-webhook-…",
                [nameof(Url)]);
        }
    }
}

public sealed class WebhookPoolOptions
{
    public const string Section = "Webhooks";

    [Range(1, 10_000_000, ErrorMessage = "must be between 1 and 10000000 records (Clay's default warning: 40000)")]
    public long WarnAt { get; set; } = 40_000;

    [Range(1, 10_000_000, ErrorMessage = "must be between 1 and 10000000 records (default 45000)")]
    public long RotateAt { get; set; } = 45_000;

    /// <summary>Clay's lifetime cap per webhook: what is over it is dropped silently, so it is never passed.</summary>
    [Range(1, 10_000_000, ErrorMessage = "must be between 1 and 10000000 records (Clay's cap: 50000)")]
    public long HardCap { get; set; } = 50_000;
}
