namespace ClayBus.Submitter.Routing;

/// <summary>Ordered routing rules: the first rule whose field matches names the table, else the default table.</summary>
public sealed class TableRouter
{
    private readonly (string Field, HashSet<string> Values, string Table)[] _rules;

    public TableRouter(RoutingOptions options, IReadOnlyDictionary<string, TableOptions> tables)
    {
        Tables = tables;
        DefaultTable = Canonical(options.DefaultTable);
        _rules = options.Rules
            .Select(rule => (rule.Field.Trim(), new HashSet<string>(rule.In ?? [rule.EqualTo!], StringComparer.OrdinalIgnoreCase), Canonical(rule.Table)))
            .ToArray();
    }

    public IReadOnlyDictionary<string, TableOptions> Tables { get; }

    public string DefaultTable { get; }

    /// <summary>The table for a row; <paramref name="field"/> reads a row field by name (case-insensitive), trimmed.</summary>
    public string Route(Func<string, string?> field)
    {
        foreach (var (name, values, table) in _rules)
        {
            if (field(name) is { Length: > 0 } value && values.Contains(value))
            {
                return table;
            }
        }

        return DefaultTable;
    }

    /// <summary>The configured spelling of a table key, or null if there is no such table.</summary>
    public string? Find(string tableKey) =>
        Tables.Keys.FirstOrDefault(key => string.Equals(key, tableKey.Trim(), StringComparison.OrdinalIgnoreCase));

    private string Canonical(string tableKey) => Find(tableKey) ?? tableKey;
}
