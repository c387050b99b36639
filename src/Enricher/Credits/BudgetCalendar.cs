using System.Globalization;

namespace ClayBus.Enricher.Credits;

/// <summary>Budget days in the configured time zone: which day an instant belongs to and when the next one starts.</summary>
public sealed class BudgetCalendar(TimeZoneInfo zone)
{
    public static BudgetCalendar For(string timeZoneId) => new(TimeZoneInfo.FindSystemTimeZoneById(timeZoneId));

    public string TimeZoneId => zone.Id;

    public DateOnly DayOf(DateTimeOffset instant) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(instant, zone).DateTime);

    /// <summary>The instant the day after <paramref name="instant"/>'s local day begins.</summary>
    public DateTimeOffset NextResetAfter(DateTimeOffset instant)
    {
        var midnight = DayOf(instant).AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        // Where a DST change skips local midnight, the day starts at the first local time that exists.
        while (zone.IsInvalidTime(midnight))
        {
            midnight = midnight.AddMinutes(30);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(midnight, zone), TimeSpan.Zero);
    }

    public static string DayKey(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string MonthKey(DateOnly day) => day.ToString("yyyy-MM", CultureInfo.InvariantCulture);
}
