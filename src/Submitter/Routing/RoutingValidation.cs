using Microsoft.Extensions.Options;

namespace ClayBus.Submitter.Routing;

/// <summary>
/// Checks rules and variants against the tables at start, so a rule pointing at a table that does not exist stops
/// the host with the key to fix instead of sending rows nowhere.
/// </summary>
internal sealed class RoutingValidation(IOptions<TablesOptions> tables) : IValidateOptions<RoutingOptions>
{
    public ValidateOptionsResult Validate(string? name, RoutingOptions options)
    {
        var known = tables.Value.Tables;
        var failures = new List<string>();
        var list = string.Join(", ", known.Keys.Order(StringComparer.Ordinal));
        if (known.Count == 0)
        {
            failures.Add($"{TablesOptions.Section}: no table is configured: add at least one under Tables:<table-key>");
        }

        if (!known.ContainsKey(options.DefaultTable))
        {
            failures.Add($"{RoutingOptions.Section}:DefaultTable: '{options.DefaultTable}' is not a table under Tables (known: {list})");
        }

        for (var index = 0; index < options.Rules.Count; index++)
        {
            var rule = options.Rules[index];
            var key = $"{RoutingOptions.Section}:Rules:{index}";
            if (string.IsNullOrWhiteSpace(rule.Field))
            {
                failures.Add($"{key}:Field: is required: the row field to read, e.g. 'industry'");
            }

            if ((rule.In is null or { Count: 0 }) == (rule.EqualTo is null))
            {
                failures.Add($"{key}: needs exactly one of In (a list of values) or Equals (one value)");
            }

            if (!known.ContainsKey(rule.Table))
            {
                failures.Add($"{key}:Table: '{rule.Table}' is not a table under Tables (known: {list})");
            }
        }

        foreach (var (tableKey, table) in known)
        {
            foreach (var (provider, variant) in table.Variants)
            {
                if (!known.TryGetValue(variant, out var variantTable))
                {
                    failures.Add($"{TablesOptions.Section}:{tableKey}:Variants:{provider}: '{variant}' is not a table under Tables (known: {list})");
                }
                else if (table.AutoDelete && !variantTable.AutoDelete)
                {
                    // A reroute moves an uncapped table's whole flow onto the variant, which would then fill Clay's cap.
                    failures.Add($"{TablesOptions.Section}:{variant}:AutoDelete: must be true, as for '{tableKey}' whose provider '{provider}' reroutes to it: an auto-delete table's rows would fill the variant's 50,000-row cap");
                }
            }

            if (table.CreditsPerRow is < 0 or > 1000)
            {
                failures.Add($"{TablesOptions.Section}:{tableKey}:CreditsPerRow: must be between 0 and 1000 credits (6 is a typical estimate)");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
