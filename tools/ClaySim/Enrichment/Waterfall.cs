using ClayBus.ClaySim.Faults;

namespace ClayBus.ClaySim.Enrichment;

/// <summary>One provider's part in a row's waterfall, as the callback reports it.</summary>
internal sealed record ProviderOutcome(string Provider, string Result, double DataCredits, int? LatencyMs, bool Charged);

/// <summary>What the waterfall did to one row.</summary>
internal sealed record WaterfallOutcome(
    string Status,
    string? SuccessfulProvider,
    IReadOnlyList<ProviderOutcome> Providers,
    TimeSpan Latency,
    double DataCredits,
    int ProviderActions)
{
    /// <summary>What the row costs once its HTTP API call went through: the enrichment plus that call's Action.</summary>
    public int ActionsWithCallback => ProviderActions + 1;
}

/// <summary>
/// Clay's waterfall as a pure function: providers in the table's order, stop at the first hit, charge only the
/// provider that found data: 1 Action and its Data Credits (0 with an own key). A miss, an error or a timeout costs
/// nothing (clay-spec §2: "no result → no charge", charged on success only).
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
                outcomes.Add(new ProviderOutcome(name, Skipped, 0, null, false));
                continue;
            }

            var outcome = Call(name, profile, faults, ref random);
            outcomes.Add(outcome);
            latencyMs += outcome.LatencyMs ?? 0;
            credits += outcome.DataCredits;
            actions += outcome.Charged ? 1 : 0;
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
            return new ProviderOutcome(name, Error, 0, OutageLatencyMs, false);
        }

        var latency = profile.LatencyMinMs + (int)((profile.LatencyMaxMs - profile.LatencyMinMs) * spread * spread);
        if (draw < profile.TimeoutRate)
        {
            return new ProviderOutcome(name, Timeout, 0, profile.TimeoutMs, false);
        }

        var answering = 1 - profile.TimeoutRate - profile.ErrorRate;
        var degradation = faults.ProviderDegradation.GetValueOrDefault(name);
        var errorRate = profile.ErrorRate + (answering * degradation);
        var remaining = 1 - profile.TimeoutRate - errorRate;
        if (draw < profile.TimeoutRate + errorRate || remaining <= 0)
        {
            return new ProviderOutcome(name, Error, 0, latency, false);
        }

        var within = (draw - profile.TimeoutRate - errorRate) / remaining;
        return within < profile.HitRate
            ? new ProviderOutcome(name, Hit, profile.OwnKey ? 0 : profile.DataCredits, latency, true)
            : new ProviderOutcome(name, NoData, 0, latency, false);
    }
}
