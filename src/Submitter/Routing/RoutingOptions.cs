namespace ClayBus.Submitter.Routing;

/// <summary>The <c>Routing</c> section: ordered rules, first match wins, else <see cref="DefaultTable"/>.</summary>
public sealed class RoutingOptions
{
    public const string Section = "Routing";

    public List<RoutingRule> Rules { get; set; } = [];

    public string DefaultTable { get; set; } = "inbound-leads";
}

public sealed class RoutingRule
{
    /// <summary>The row field the rule reads (case-insensitive), e.g. <c>industry</c>.</summary>
    public string Field { get; set; } = "";

    /// <summary>Matches when the field equals one of these (case-insensitive).</summary>
    public List<string>? In { get; set; }

    /// <summary>Matches when the field equals this (case-insensitive). Bound from the key <c>Equals</c>.</summary>
    [ConfigurationKeyName("Equals")]
    public string? EqualTo { get; set; }

    public string Table { get; set; } = "";
}
