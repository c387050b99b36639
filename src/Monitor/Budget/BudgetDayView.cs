using ClayBus.Contracts.Credits;

namespace ClayBus.Monitor.Budget;

public enum BudgetState
{
    Ok,
    Alert,
    Exhausted,
}

/// <summary>
/// The budget day as the Monitor has seen it through the ledger's events. Events of an older day are stale and
/// ignored; a new day starts clean even before its <see cref="BudgetReset"/> arrives (the ledger resets at local
/// midnight whether or not the event gets here first).
/// </summary>
public sealed record BudgetDayView(
    DateOnly Day,
    BudgetState State,
    decimal? Limit = null,
    decimal? Used = null,
    DateTimeOffset? AlertAt = null,
    DateTimeOffset? ExhaustedAt = null,
    DateTimeOffset? ResetAt = null)
{
    public static BudgetDayView Fresh(DateOnly day) => new(day, BudgetState.Ok);

    public BudgetDayView AsOf(DateOnly today) => today > Day ? Fresh(today) : this;

    public BudgetDayView Apply(BudgetThresholdReached alert)
    {
        var view = Advance(alert.Day);
        return view is null ? this : view with
        {
            State = view.State == BudgetState.Exhausted ? BudgetState.Exhausted : BudgetState.Alert,
            Limit = alert.Limit,
            Used = alert.Used,
            AlertAt = view.AlertAt ?? alert.At,
        };
    }

    public BudgetDayView Apply(BudgetExhausted exhausted)
    {
        var view = Advance(exhausted.Day);
        return view is null ? this : view with { State = BudgetState.Exhausted, Limit = exhausted.Limit, Used = exhausted.Used, ExhaustedAt = exhausted.At };
    }

    /// <summary>A reset is a new day, or the same day with a limit raised above what is used: deliveries resume.</summary>
    public BudgetDayView Apply(BudgetReset reset)
    {
        var view = Advance(reset.Day);
        return view is null ? this : view with { State = BudgetState.Ok, Limit = reset.Limit, ResetAt = reset.At };
    }

    private BudgetDayView? Advance(DateOnly eventDay) =>
        eventDay < Day ? null : eventDay > Day ? Fresh(eventDay) : this;
}
