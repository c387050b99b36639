namespace ClayBus.Monitor.Providers;

/// <summary>What the window says should happen to a provider's state.</summary>
public enum ProviderVerdict
{
    Unchanged,
    Degrade,
    Recover,
}

/// <summary>The decisions of provider health, free of Redis and the bus.</summary>
public sealed class ProviderHealthPolicy(ProviderHealthOptions options)
{
    public ProviderVerdict Judge(ProviderWindow window, bool degraded)
    {
        if (window.Samples < options.MinimumSamples)
        {
            return ProviderVerdict.Unchanged;
        }

        if (!degraded && window.SuccessRate < options.DegradedBelow)
        {
            return ProviderVerdict.Degrade;
        }

        return degraded && window.SuccessRate >= options.DegradedBelow + options.RecoveryMargin
            ? ProviderVerdict.Recover
            : ProviderVerdict.Unchanged;
    }

    /// <summary>How many providers may be routed around at once: the configured share of those seen, at least one.</summary>
    public int MaxEjected(int knownProviders) =>
        Math.Max(1, (int)Math.Floor(knownProviders * options.MaxEjectedShare + 1e-9));

    /// <summary>
    /// Where each table with variants should route, given the providers routed around now (in the order they were
    /// ejected): the variant of the first ejected provider the table has one for, else the table itself (null).
    /// </summary>
    public static IReadOnlyDictionary<string, string?> Routes(
        IReadOnlyDictionary<string, TableVariants> tables,
        IReadOnlyList<string> ejectedInOrder)
    {
        var routes = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (table, variants) in tables)
        {
            if (variants.Variants.Count == 0)
            {
                continue;
            }

            routes[table] = ejectedInOrder
                .Select(provider => variants.Variants.TryGetValue(provider, out var variant) ? variant : null)
                .FirstOrDefault(variant => variant is not null);
        }

        return routes;
    }
}
