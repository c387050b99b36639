namespace ClayBus.Monitor.Budget;

/// <summary>The budget day of an instant, in the budget's time zone. Pure, so the reset is tested on a fake clock.</summary>
public static class BudgetDay
{
    public static DateOnly Of(DateTimeOffset at, TimeZoneInfo zone) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, zone).DateTime);

    public static DateTimeOffset NextReset(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var midnight = local.Date.AddDays(1);
        return new DateTimeOffset(midnight, zone.GetUtcOffset(midnight));
    }
}
