namespace ClayBus.Submitter.Planning;

/// <summary>One Clay plan against the volume: whether its meters cover it and whether ClayBus can work on it at all.</summary>
/// <param name="Actions">Actions a month the plan includes (Enterprise: custom, its floor).</param>
/// <param name="Credits">Data Credits a month at the plan's top option (Enterprise: custom, its floor).</param>
/// <param name="Verdict">Why it fits or not, in one sentence.</param>
public sealed record PlanTier(string Name, long Actions, decimal Credits, bool CoversVolume, bool Usable, string Verdict);

/// <summary>What a month of leads costs in Clay and what it takes to deliver (clay-spec §1–2). Pure arithmetic.</summary>
/// <param name="Tiers">Launch, Growth and Enterprise, each with its verdict; <see cref="Tier"/> is the first that works.</param>
public sealed record CapacityPlan(
    long MonthlyLeads,
    decimal CreditsPerLead,
    bool OwnKeys,
    int ActionsPerLead,
    decimal DataCreditsPerMonth,
    long ActionsPerMonth,
    string Tier,
    string TierReason,
    long WebhooksPerMonth,
    long WebhooksPerYear,
    long TablesPerYear,
    double DeliveryHoursPerMonth,
    IReadOnlyList<string> Notes,
    bool AutoDelete = false,
    double RecordsPerSecond = CapacityPlan.ClayRecordsPerSecond,
    IReadOnlyList<PlanTier>? Tiers = null)
{
    /// <summary>Clay never accepts more than this many records on one webhook, nor rows in one table without auto-delete.</summary>
    public const long RecordsPerWebhook = 50_000;

    public const long RowsPerTable = 50_000;

    /// <summary>Clay's workspace-wide webhook rate limit; a workspace may be configured lower (RateLimit:RecordsPerSecond).</summary>
    public const double ClayRecordsPerSecond = 10;

    public const long LaunchActions = 15_000;
    public const decimal LaunchCredits = 10_000;
    public const long GrowthActions = 40_000;
    public const decimal GrowthCredits = 100_000;
    public const long EnterpriseActions = 100_000;
    public const decimal EnterpriseCredits = 100_000;

    /// <param name="actionsPerLead">Clay Actions a lead spends: its enrichments plus the HTTP API callback (1 + 1 by default).</param>
    /// <param name="autoDelete">The tables auto-delete (Enterprise): no 50,000-row cap, so no new table or webhook per 50,000 rows.</param>
    /// <param name="recordsPerSecond">The workspace's configured rate, for the delivery time.</param>
    public static CapacityPlan For(long monthlyLeads, decimal creditsPerLead = 6, bool ownKeys = false, int actionsPerLead = 2, bool autoDelete = false, double recordsPerSecond = ClayRecordsPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(monthlyLeads);
        ArgumentOutOfRangeException.ThrowIfNegative(creditsPerLead);
        ArgumentOutOfRangeException.ThrowIfLessThan(actionsPerLead, 1);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(recordsPerSecond);

        var credits = ownKeys ? 0 : monthlyLeads * creditsPerLead;
        var actions = monthlyLeads * actionsPerLead;
        var tiers = TiersFor(actions, credits, autoDelete);
        var chosen = tiers.First(tier => tier.CoversVolume && tier.Usable);
        var notes = new List<string>();
        if (ownKeys)
        {
            notes.Add("With your own provider keys Data Credits are 0, but Actions are still spent.");
        }

        notes.Add(autoDelete
            ? "Auto-delete tables have no 50,000-row cap and their webhooks no lifetime cap: no new table or webhook per 50,000 rows."
            : chosen.Name == "Enterprise"
                ? "Enterprise tables can auto-delete: no 50,000-row cap per table and no lifetime cap per webhook (plan with --auto-delete)."
                : "A table holds 50,000 rows and a webhook takes 50,000 records in its life: plan a new table and webhook per 50,000 leads.");

        var hours = monthlyLeads / recordsPerSecond / 3600;
        if (hours > 24 * 30)
        {
            notes.Add($"At {recordsPerSecond:0.##} records/s a month's leads take longer than a month to deliver: the rate limit, not the plan, is the bottleneck.");
        }

        return new CapacityPlan(
            monthlyLeads,
            creditsPerLead,
            ownKeys,
            actionsPerLead,
            credits,
            actions,
            chosen.Name,
            chosen.Verdict,
            autoDelete ? 0 : CeilDiv(monthlyLeads, RecordsPerWebhook),
            autoDelete ? 0 : CeilDiv(monthlyLeads * 12, RecordsPerWebhook),
            autoDelete ? 0 : CeilDiv(monthlyLeads * 12, RowsPerTable),
            Math.Round(hours, 2),
            notes,
            autoDelete,
            recordsPerSecond,
            tiers);
    }

    private static List<PlanTier> TiersFor(long actions, decimal credits, bool autoDelete)
    {
        var need = $"{actions:N0} Actions and {credits:N0} Data Credits a month";
        var launchCovers = actions <= LaunchActions && credits <= LaunchCredits;
        var growthCovers = actions <= GrowthActions && credits <= GrowthCredits;
        return
        [
            new("Launch", LaunchActions, LaunchCredits, launchCovers, Usable: false, launchCovers
                ? $"covers {need} ({LaunchActions:N0} Actions, up to {LaunchCredits:N0} credits) but has no webhooks and no HTTP API: ClayBus can neither send rows to its tables nor receive the enriched rows"
                : $"does not cover {need} ({LaunchActions:N0} Actions, up to {LaunchCredits:N0} credits), and has no webhooks or HTTP API, which ClayBus needs"),
            new("Growth", GrowthActions, GrowthCredits, growthCovers, Usable: !autoDelete, (growthCovers, autoDelete) switch
            {
                (_, true) => "has no auto-delete tables, which this plan assumes (an Enterprise feature)",
                (true, _) => $"covers {need} ({GrowthActions:N0} Actions, up to {GrowthCredits:N0} credits) with webhooks and the HTTP API",
                _ => $"does not cover {need} ({GrowthActions:N0} Actions, up to {GrowthCredits:N0} credits)",
            }),
            new("Enterprise", EnterpriseActions, EnterpriseCredits, CoversVolume: true, Usable: true,
                $"custom volumes from {EnterpriseActions:N0} Actions cover {need}, with webhooks, the HTTP API and auto-delete tables"),
        ];
    }

    private static long CeilDiv(long value, long divisor) => (value + divisor - 1) / divisor;
}
