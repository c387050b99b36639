using System.Globalization;

namespace ClayBus.Monitor.Budget;

/// <summary>
/// The one sentence a meter's forecast is shown as: the dashboard and <c>claybus status</c> print it as the Monitor
/// wrote it, so the two can never word the same figures differently. Times are in the budget's time zone.
/// </summary>
public static class ForecastWording
{
    /// <param name="meter">"credits" or "Actions": the sentence's subject and the rate's unit.</param>
    public static string Of(ForecastReport forecast, string meter, decimal limit, DateTimeOffset now, TimeZoneInfo zone)
    {
        var label = meter == "credits" ? "Forecast" : meter + " forecast";
        var reset = forecast.NextResetAt is { } next ? When(next, now, zone) : "midnight";
        return (forecast.Outlook, forecast.PerHour, forecast.LimitReachedAt) switch
        {
            (ForecastOutlook.Reached, _, _) => $"{label}: limit reached; deliveries wait for the reset ({reset})",
            (ForecastOutlook.Today, { } rate, { } at) => Invariant(
                $"{label}: {rate:N0} {meter}/h, limit reached at {When(at, now, zone)}, before the reset ({reset}): deliveries will pause"),
            (ForecastOutlook.NotToday, { } rate, _) => Invariant(
                $"{label}: {rate:N0} {meter}/h, limit reached: not today ({forecast.ProjectedAtReset ?? 0:N0} of {limit:N0} by the reset at {reset})"),
            _ => $"{label}: not enough samples yet for a burn rate",
        };
    }

    /// <summary>The local time in the budget's zone; "tomorrow" or the date when it is not today there.</summary>
    private static string When(DateTimeOffset at, DateTimeOffset now, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var today = TimeZoneInfo.ConvertTime(now, zone).Date;
        var time = local.ToString("HH:mm", CultureInfo.InvariantCulture) + " " + zone.Id;
        return local.Date == today ? time
            : local.Date == today.AddDays(1) ? "tomorrow " + time
            : local.ToString("yyyy-MM-dd ", CultureInfo.InvariantCulture) + time;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
