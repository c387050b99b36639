namespace ClayBus.Enricher.Webhooks;

/// <summary>
/// A table's row limits. Clay keeps 50,000 rows a table and drops what comes after with a 200, so ClayBus stops at
/// <see cref="MaxRows"/> (45,000 by default) and warns at <see cref="WarnRows"/> (40,000 by default).
/// </summary>
public sealed record TableLimits(bool AutoDelete, long MaxRows, long WarnRows)
{
    public const long ClayTableCap = 50_000;
    public const long DefaultMaxRows = 45_000;

    /// <summary>Auto-delete tables (Enterprise) have no row cap, and neither have their webhooks.</summary>
    public bool Capped => !AutoDelete;

    public static TableLimits Of(TableOptions table)
    {
        var max = table.MaxRows ?? DefaultMaxRows;
        return new TableLimits(table.AutoDelete, max, table.WarnRows ?? (max * 8 / 9));
    }

    /// <summary>
    /// What is wrong with one table's settings, each naming the key and the fix. Values are never repeated: URLs and
    /// tokens are secrets. An empty webhook list is not an error here (the table then waits as a spent pool).
    /// </summary>
    public static IReadOnlyList<string> Errors(string tableKey, TableOptions table)
    {
        var errors = new List<string>();
        for (var i = 0; i < table.Webhooks.Count; i++)
        {
            var context = new System.ComponentModel.DataAnnotations.ValidationContext(table.Webhooks[i]);
            errors.AddRange(table.Webhooks[i].Validate(context).Select(r => $"Tables:{tableKey}:Webhooks:{i}:Url {r.ErrorMessage}"));
        }

        if (table.MaxRows is < 1 or > ClayTableCap)
        {
            errors.Add($"Tables:{tableKey}:MaxRows must be between 1 and {ClayTableCap} (Clay's table cap); leave it unset for {DefaultMaxRows}");
        }

        var max = table.MaxRows ?? DefaultMaxRows;
        if (table.WarnRows is { } warn && (warn < 1 || warn > max))
        {
            errors.Add($"Tables:{tableKey}:WarnRows must be between 1 and MaxRows ({max}); leave it unset for 8/9 of MaxRows");
        }

        return errors;
    }
}
