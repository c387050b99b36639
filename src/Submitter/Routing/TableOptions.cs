using System.ComponentModel.DataAnnotations;

namespace ClayBus.Submitter.Routing;

/// <summary>
/// One Clay table as the Submitter sees it. The Enricher binds the same <c>Tables</c> section for its webhooks;
/// the Submitter ignores those.
/// </summary>
public sealed class TableOptions
{
    [Range(0, 1000, ErrorMessage = "must be between 0 and 1000 credits (6 is a typical estimate)")]
    public decimal CreditsPerRow { get; set; } = 6;

    /// <summary>
    /// Enterprise auto-delete: the table has no 50,000-row cap. Set it as in the Enricher's <c>Tables</c>; here it
    /// requires the table's variants to auto-delete too (<see cref="RoutingValidation"/>).
    /// </summary>
    public bool AutoDelete { get; set; }

    public bool RejectPersonalEmails { get; set; }

    public bool RejectDisposableEmails { get; set; }

    /// <summary>Provider name → variant table whose waterfall leaves that provider out.</summary>
    public Dictionary<string, string> Variants { get; set; } = new(StringComparer.OrdinalIgnoreCase);
}

/// <summary>The <c>Tables</c> section: table key → table. Keys match case-insensitively.</summary>
public sealed class TablesOptions
{
    public const string Section = "Tables";

    public Dictionary<string, TableOptions> Tables { get; } = new(StringComparer.OrdinalIgnoreCase);
}
