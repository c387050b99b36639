using ClayBus.Contracts.Credits;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Budget;

/// <summary>The budget section of the status API: the ledger's figures (or "unknown"), the forecast and the events seen.</summary>
/// <param name="State"><c>ok</c>, <c>alert</c> (80% used), <c>exhausted</c>, or <c>unknown</c> when the ledger did not answer.</param>
/// <param name="Ledger">The Enricher's figures; null when it did not answer in time.</param>
/// <param name="UsedShare">(Reserved + Spent) / Limit.</param>
/// <param name="Anomalies">Tables Clay charged above their price list (the newest few of each), most recent first.</param>
/// <param name="ActionsForecast">The Actions meter's forecast, drawn as its own series; null when Actions have no daily limit.</param>
public sealed record BudgetReport(
    string State,
    DateOnly Day,
    string TimeZone,
    BudgetStatus? Ledger,
    decimal? UsedShare,
    ForecastReport Forecast,
    BudgetDayView Events,
    IReadOnlyList<TableAnomalies>? Anomalies = null,
    ForecastReport? ActionsForecast = null);

/// <summary>One meter's forecast as the dashboard and <c>claybus status</c> show it: both draw and word the same fields.</summary>
/// <param name="PerHour">The recent burn rate (credits per hour for the credit meter); null with too few samples.</param>
/// <param name="Outlook"><c>unknown</c>, <c>reached</c>, <c>today</c> (the limit is reached at <see cref="LimitReachedAt"/>) or <c>not today</c>.</param>
/// <param name="ProjectedAtReset">What is used at the reset at this rate (capped at the limit).</param>
/// <param name="SamplesSeen">The ledger readings of the window, oldest first, for the chart's solid line.</param>
/// <param name="Projection">The chart's dashed line: from now to the limit's instant, or to the reset.</param>
/// <param name="Text">The forecast in one sentence (<see cref="ForecastWording"/>), printed as is by the dashboard and the CLI.</param>
public sealed record ForecastReport(
    decimal? PerHour,
    string Outlook,
    DateTimeOffset? LimitReachedAt,
    decimal? ProjectedAtReset,
    DateTimeOffset? NextResetAt,
    int Samples,
    int WindowMinutes,
    IReadOnlyList<BurnSample> SamplesSeen,
    IReadOnlyList<BurnSample> Projection,
    string? Text = null)
{
    public static ForecastReport None(int windowMinutes) => new(null, ForecastOutlook.Unknown, null, null, null, 0, windowMinutes, [], []);

    public static ForecastReport Of(BudgetForecast forecast, int windowMinutes, IReadOnlyList<BurnSample> samples) =>
        new(forecast.PerHour, forecast.Outlook, forecast.LimitReachedAt, forecast.ProjectedAtReset, forecast.NextResetAt, forecast.Samples, windowMinutes, samples, forecast.Projection);

    /// <summary>One meter's forecast with its sentence: <paramref name="meter"/> is "credits" or "Actions".</summary>
    public static ForecastReport For(string meter, IReadOnlyList<BurnSample> samples, decimal limit, decimal used, DateTimeOffset now, DateTimeOffset nextReset, BudgetViewOptions options, bool nothingPending = false)
    {
        var report = Of(BudgetForecast.From(samples, limit, used, now, nextReset, options.BurnRate, nothingPending), options.ForecastWindowMinutes, samples);
        return report with { Text = ForecastWording.Of(report, meter, limit, now, options.Zone) };
    }
}

/// <param name="pending">Absent where only the budget is hosted (tests): the forecast then relies on the burn alone.</param>
public sealed class BudgetReporter(BudgetStatusClient ledger, BudgetViewStore store, BudgetAnomalyStore anomalies, IOptions<BudgetViewOptions> options, TimeProvider clock, PendingJobs? pending = null)
{
    private const int AnomaliesShown = 3;

    public async Task<BudgetReport> ReportAsync(CancellationToken cancellationToken)
    {
        var status = await ledger.ReadAsync(cancellationToken);
        var view = await store.ViewAsync();
        var anomalous = await anomalies.TablesAsync(AnomaliesShown);
        var windowMinutes = options.Value.ForecastWindowMinutes;
        if (status is null)
        {
            return new BudgetReport("unknown", view.Day, options.Value.TimeZone, null, null, ForecastReport.None(windowMinutes), view, anomalous);
        }

        var used = status.Reserved + status.Spent;
        var share = status.Limit > 0 ? used / status.Limit : 1m;
        var now = clock.GetUtcNow();
        var idle = status.Reserved == 0 && status.ActionsReserved is null or 0 && pending is not null && !await pending.AnyOpenAsync();
        var forecast = ForecastReport.For("credits", await store.SamplesAsync(status.Day), status.Limit, used, now, status.NextResetAt, options.Value, idle);
        var actions = status.ActionsLimit is { } actionsLimit
            ? ForecastReport.For("Actions", await store.SamplesAsync(status.Day, BurnMeter.Actions), actionsLimit, (status.ActionsReserved ?? 0) + (status.ActionsSpent ?? 0), now, status.NextResetAt, options.Value, idle)
            : null;
        var state = status.Exhausted || share >= 1m ? "exhausted" : share >= (decimal)options.Value.AlertShare ? "alert" : "ok";
        return new BudgetReport(state, status.Day, status.TimeZone, status, decimal.Round(share, 4), forecast, view, anomalous, actions);
    }
}
