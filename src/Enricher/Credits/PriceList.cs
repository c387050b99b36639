namespace ClayBus.Enricher.Credits;

/// <summary>
/// <c>Tables:&lt;key&gt;:Prices</c>: what a row of the table can cost at most in each of Clay's meters. Clay charges only
/// the provider that found data, but which one is known only at the callback, so a row reserves the dearest.
/// </summary>
public sealed class PriceListOptions
{
    /// <summary>Provider name → the most Data Credits it may charge for one hit (the table's waterfall, any order).</summary>
    public Dictionary<string, decimal> Providers { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Actions one row can spend; unset = one per provider of the waterfall + one for the HTTP API column.</summary>
    public int? ActionsPerRow { get; set; }
}

/// <summary>What one row reserves: the worst case in both meters.</summary>
public sealed record RowPrice(decimal DataCredits, int Actions);

public static class PriceLists
{
    /// <summary>No single enrichment costs this much in Clay: a larger configured price is a typo.</summary>
    public const decimal MaxDataCreditsPerHit = 1_000;

    public const int MaxActionsPerRow = 1_000;

    public static RowPrice WorstCase(PriceListOptions prices) =>
        new(prices.Providers.Count == 0 ? 0 : prices.Providers.Values.Max(), ActionsPerRow(prices));

    public static int ActionsPerRow(PriceListOptions prices) => prices.ActionsPerRow ?? prices.Providers.Count + 1;

    /// <summary>Whether the price list would have reserved enough for a charge in <paramref name="meter"/>.</summary>
    public static bool Covers(PriceListOptions? prices, string meter, string? provider, decimal charged)
    {
        if (prices is null)
        {
            return false;
        }

        if (meter == Meters.Actions)
        {
            return ActionsPerRow(prices) >= charged;
        }

        // A named provider must be priced itself; an unnamed one is covered by the dearest.
        return provider is { Length: > 0 } && prices.Providers.TryGetValue(provider, out var price)
            ? price >= charged
            : (provider is not { Length: > 0 } && WorstCase(prices).DataCredits >= charged);
    }

    /// <summary>Start-up errors, each naming its key and the fix.</summary>
    public static IEnumerable<string> Validate(string table, PriceListOptions? prices)
    {
        var key = $"Tables:{table}:Prices";
        if (prices is null || prices.Providers.Count == 0)
        {
            yield return $"{key}:Providers: is required: the most Data Credits each provider of the table's waterfall may charge per hit, e.g. {key}:Providers:zoominfo=5 (0 for your own provider keys)";
            yield break;
        }

        foreach (var (provider, price) in prices.Providers)
        {
            if (price is < 0 or > MaxDataCreditsPerHit)
            {
                yield return $"{key}:Providers:{provider}: must be between 0 and {MaxDataCreditsPerHit} Data Credits per hit";
            }
        }

        if (prices.ActionsPerRow is < 1 or > MaxActionsPerRow)
        {
            yield return $"{key}:ActionsPerRow: must be between 1 and {MaxActionsPerRow} Actions per row, or unset (providers + 1)";
        }
    }
}

/// <summary>The names of Clay's two meters, as <c>BudgetAnomaly.Meter</c> and metrics carry them.</summary>
public static class Meters
{
    public const string DataCredits = "data_credits";

    public const string Actions = "actions";
}
