namespace ClayBus.Enricher.Credits;

/// <summary>
/// When an Enricher claims a budget day's start, and whether the winning claim publishes its <c>BudgetReset</c>.
/// Each instance claims every day it sees, at its first look after starting as well as when the local day turns while
/// it runs, so an Enricher started after midnight still resets the day (releasing held jobs and batches) though none
/// ran across it. Pure, so the boundary is tested on a fake clock.
/// </summary>
public sealed class BudgetDayStart(BudgetCalendar calendar, DateTimeOffset startedAt)
{
    private readonly DateOnly _startedOn = calendar.DayOf(startedAt);
    private DateOnly? _claimed;

    /// <returns>The day to claim now, or null when this instance already claimed (or lost the claim to) today.</returns>
    public DateOnly? Due(DateTimeOffset now)
    {
        var today = calendar.DayOf(now);
        return _claimed is { } claimed && claimed >= today ? null : today;
    }

    public void Claimed(DateOnly day) => _claimed = day;

    /// <summary>
    /// The claim's winner resets the day when the day turned while it ran, or when an earlier day was recorded (the
    /// last day any instance claimed): only the very first day of a new installation has nothing to reset.
    /// </summary>
    public bool PublishesReset(DateOnly day, DateOnly? lastRecordedDay) =>
        day > _startedOn || (lastRecordedDay is { } last && last < day);
}
