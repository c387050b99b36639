namespace ClayBus.Submitter.Planning;

/// <summary>What a month of leads costs in Clay and what it takes to deliver (clay-spec §1–2). Pure arithmetic.</summary>
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
    IReadOnlyList<string> Notes)
{
    /// <summary>Clay never accepts more than this many records on one webhook, nor rows in one table without auto-delete.</summary>
    public const long RecordsPerWebhook = 50_000;

    public const long RowsPerTable = 50_000;

    /// <summary>The workspace-wide webhook rate limit.</summary>
    public const double RecordsPerSecond = 10;

    public const long GrowthActions = 40_000;
    public const decimal GrowthCredits = 100_000;
    public const long LaunchActions = 15_000;
    public const decimal LaunchCredits = 10_000;

    /// <param name="actionsPerLead">Clay Actions a lead spends: its enrichments plus the HTTP API callback (1 + 1 by default).</param>
    public static CapacityPlan For(long monthlyLeads, decimal creditsPerLead = 6, bool ownKeys = false, int actionsPerLead = 2)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(monthlyLeads);
        ArgumentOutOfRangeException.ThrowIfNegative(creditsPerLead);
        ArgumentOutOfRangeException.ThrowIfLessThan(actionsPerLead, 1);

        var credits = ownKeys ? 0 : monthlyLeads * creditsPerLead;
        var actions = monthlyLeads * actionsPerLead;
        var (tier, reason) = actions <= GrowthActions && credits <= GrowthCredits
            ? ("Growth", $"{actions:N0} Actions ≤ {GrowthActions:N0} and {credits:N0} Data Credits ≤ {GrowthCredits:N0}; Growth is the first plan with webhooks and the HTTP API, which ClayBus needs")
            : ("Enterprise", $"{actions:N0} Actions or {credits:N0} Data Credits exceed Growth ({GrowthActions:N0} Actions, {GrowthCredits:N0} credits)");
        var notes = new List<string>();
        if (actions <= LaunchActions && credits <= LaunchCredits)
        {
            notes.Add("Launch would cover the volume, but it has no webhooks or HTTP API: ClayBus needs Growth.");
        }

        if (ownKeys)
        {
            notes.Add("With your own provider keys Data Credits are 0, but Actions are still spent.");
        }

        if (tier == "Enterprise")
        {
            notes.Add("Enterprise tables can auto-delete: no 50,000-row cap per table and no lifetime cap per webhook.");
        }

        var hours = monthlyLeads / RecordsPerSecond / 3600;
        if (hours > 24 * 30)
        {
            notes.Add($"At {RecordsPerSecond} records/s a month's leads take longer than a month to deliver: the rate limit, not the plan, is the bottleneck.");
        }

        return new CapacityPlan(
            monthlyLeads,
            creditsPerLead,
            ownKeys,
            actionsPerLead,
            credits,
            actions,
            tier,
            reason,
            CeilDiv(monthlyLeads, RecordsPerWebhook),
            CeilDiv(monthlyLeads * 12, RecordsPerWebhook),
            CeilDiv(monthlyLeads * 12, RowsPerTable),
            Math.Round(hours, 2),
            notes);
    }

    private static long CeilDiv(long value, long divisor) => (value + divisor - 1) / divisor;
}
