using ClayBus.ClaySim.Faults;

namespace ClayBus.ClaySim.Enrichment;

/// <summary>One provider's part in a row's waterfall, as the callback reports it; every call made costs 1 Action.</summary>
internal sealed record ProviderOutcome(string Provider, string Result, double DataCredits, int? LatencyMs)
{
    public bool Called => Result != Waterfall.Skipped;
}

/// <summary>What the waterfall did to one row.</summary>
internal sealed record WaterfallOutcome(
    string Status,
    string? SuccessfulProvider,
    IReadOnlyList<ProviderOutcome> Providers,
    TimeSpan Latency,
    double DataCredits,
    int ProviderActions)
{
    /// <summary>What the row costs once its HTTP API call went through: 1 Action per provider called plus that call's.</summary>
    public int ActionsWithCallback => ProviderActions + 1;
}

/// <summary>
/// Clay's waterfall as a pure function: providers in the table's order, stop at the first hit. Every provider called
/// costs 1 Action, hit or not (Clay meters each enrichment attempt); only the one that found data costs Data Credits
/// (0 with an own key, its <c>providerPrices</c> fault price while one is in force).
/// </summary>
internal static class Waterfall
{
    public const string Hit = "hit";
    public const string NoData = "no_data";
    public const string Error = "error";
    public const string Timeout = "timeout";
    public const string Skipped = "skipped";

    private const int OutageLatencyMs = 300;

    public static WaterfallOutcome Run(IReadOnlyList<(string Name, ProviderProfile? Profile)> waterfall, ActiveFaults faults, ref RowRandom random)
    {
        var outcomes = new List<ProviderOutcome>(waterfall.Count);
        string? found = null;
        var latencyMs = 0L;
        var credits = 0.0;
        var actions = 0;
        var anyFailure = false;
        foreach (var (name, profile) in waterfall)
        {
            if (found is not null)
            {
                outcomes.Add(new ProviderOutcome(name, Skipped, 0, null));
                continue;
            }

            var outcome = Call(name, profile, faults, ref random);
            outcomes.Add(outcome);
            latencyMs += outcome.LatencyMs ?? 0;
            credits += outcome.DataCredits;
            actions++;
            anyFailure |= outcome.Result is Error or Timeout;
            if (outcome.Result == Hit)
            {
                found = name;
            }
        }

        var status = found is not null ? "enriched" : anyFailure ? "error" : "no_data";
        return new WaterfallOutcome(status, found, outcomes, TimeSpan.FromMilliseconds(latencyMs), credits, actions);
    }

    private static ProviderOutcome Call(string name, ProviderProfile? profile, ActiveFaults faults, ref RowRandom random)
    {
        // Both draws are taken for every call made, so a fault on one provider does not shift the next one's draws.
        var draw = random.NextDouble();
        var spread = random.NextDouble();
        if (profile is null || faults.ProviderOutage.Contains(name))
        {
            return new ProviderOutcome(name, Error, 0, OutageLatencyMs);
        }

        var latency = profile.LatencyMinMs + (int)((profile.LatencyMaxMs - profile.LatencyMinMs) * spread * spread);
        if (draw < profile.TimeoutRate)
        {
            return new ProviderOutcome(name, Timeout, 0, profile.TimeoutMs);
        }

        var answering = 1 - profile.TimeoutRate - profile.ErrorRate;
        var degradation = faults.ProviderDegradation.GetValueOrDefault(name);
        var errorRate = profile.ErrorRate + (answering * degradation);
        var remaining = 1 - profile.TimeoutRate - errorRate;
        if (draw < profile.TimeoutRate + errorRate || remaining <= 0)
        {
            return new ProviderOutcome(name, Error, 0, latency);
        }

        var within = (draw - profile.TimeoutRate - errorRate) / remaining;
        return within < profile.HitRate
            ? new ProviderOutcome(name, Hit, profile.OwnKey ? 0 : faults.ProviderPrices.GetValueOrDefault(name, profile.DataCredits), latency)
            : new ProviderOutcome(name, NoData, 0, latency);
    }
}
