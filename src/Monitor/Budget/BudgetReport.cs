using ClayBus.Contracts.Credits;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Budget;

/// <summary>The budget section of the status API: the ledger's figures (or "unknown"), the forecast and the events seen.</summary>
/// <param name="State"><c>ok</c>, <c>alert</c> (80% used), <c>exhausted</c>, or <c>unknown</c> when the ledger did not answer.</param>
/// <param name="Ledger">The Enricher's figures; null when it did not answer in time.</param>
/// <param name="UsedShare">(Reserved + Spent) / Limit.</param>
public sealed record BudgetReport(
    string State,
    DateOnly Day,
    string TimeZone,
    BudgetStatus? Ledger,
    decimal? UsedShare,
    ForecastReport Forecast,
    BudgetDayView Events);

/// <param name="ExhaustsAt">When today's budget runs out at the current rate; null if it does not (or no rate yet).</param>
/// <param name="BeforeReset">True when that comes before the next reset.</param>
/// <param name="SamplesSeen">The ledger readings of the window, oldest first, for the dashboard's line.</param>
public sealed record ForecastReport(decimal? CreditsPerHour, DateTimeOffset? ExhaustsAt, bool BeforeReset, int Samples, int WindowMinutes, IReadOnlyList<BurnSample> SamplesSeen);

public sealed class BudgetReporter(LedgerReader ledger, BudgetViewStore store, IOptions<BudgetViewOptions> options, TimeProvider clock)
{
    public async Task<BudgetReport> ReportAsync(CancellationToken cancellationToken)
    {
        var status = await ledger.ReadAsync(cancellationToken);
        var view = await store.ViewAsync();
        var window = TimeSpan.FromMinutes(options.Value.ForecastWindowMinutes);
        if (status is null)
        {
            return new BudgetReport("unknown", view.Day, options.Value.TimeZone, null, null, new ForecastReport(null, null, false, 0, options.Value.ForecastWindowMinutes, []), view);
        }

        var used = status.Reserved + status.Spent;
        var share = status.Limit > 0 ? used / status.Limit : 1m;
        var samples = await store.SamplesAsync(status.Day);
        var forecast = BudgetForecast.From(samples, status.Limit, used, clock.GetUtcNow(), status.NextResetAt, window);
        var state = status.Exhausted || share >= 1m ? "exhausted" : share >= (decimal)options.Value.AlertShare ? "alert" : "ok";
        return new BudgetReport(
            state,
            status.Day,
            status.TimeZone,
            status,
            decimal.Round(share, 4),
            new ForecastReport(forecast.CreditsPerHour is { } rate ? decimal.Round(rate, 2) : null, forecast.ExhaustsAt, forecast.BeforeReset, forecast.Samples, options.Value.ForecastWindowMinutes, samples),
            view);
    }
}
