namespace ClayBus.Enricher.Credits;

/// <summary>One meter's use and limits, in integer units (milli-credits or Actions); a limit below 0 means none.</summary>
public readonly record struct MeterUse(long DayUsed, long DayLimit, long MonthUsed, long MonthLimit);

/// <summary>Which limit refused a reservation (the codes the Lua returns).</summary>
public enum BudgetRefusal
{
    None = 0,
    DataCreditsDaily = 1,
    DataCreditsMonthly = 2,
    ActionsDaily = 3,
    ActionsMonthly = 4,
}

/// <summary>
/// Whether a reservation fits: it must fit every limit of both meters, or nothing is held. The Lua in
/// <see cref="CreditStoreScripts.Reserve"/> executes the same rule atomically (parity-tested).
/// </summary>
public static class ReservationDecision
{
    public static BudgetRefusal Decide(MeterUse credits, long creditsNeeded, MeterUse actions, long actionsNeeded) =>
        Over(credits.DayUsed, creditsNeeded, credits.DayLimit) ? BudgetRefusal.DataCreditsDaily
        : Over(credits.MonthUsed, creditsNeeded, credits.MonthLimit) ? BudgetRefusal.DataCreditsMonthly
        : Over(actions.DayUsed, actionsNeeded, actions.DayLimit) ? BudgetRefusal.ActionsDaily
        : Over(actions.MonthUsed, actionsNeeded, actions.MonthLimit) ? BudgetRefusal.ActionsMonthly
        : BudgetRefusal.None;

    private static bool Over(long used, long needed, long limit) => limit >= 0 && used + needed > limit;
}
