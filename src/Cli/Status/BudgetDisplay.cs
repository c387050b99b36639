using System.Globalization;

namespace ClayBus.Cli.Status;

/// <summary>Today's credits against the budget, and the forecast, in one line.</summary>
internal static class BudgetDisplay
{
    public static string Markup(BudgetView? budget)
    {
        if (budget?.Ledger is not { } ledger)
        {
            return "[grey]Budget: unknown (the Enricher's credit ledger did not answer the Monitor)[/]";
        }

        var color = budget.State switch { "exhausted" => "red", "alert" => "yellow", _ => "green" };
        var bar = Bars.Markup((long)Math.Ceiling(ledger.Limit), ((long)ledger.Spent, color), ((long)ledger.Reserved, "grey"));
        return $"Budget {Escape(budget.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))}: {bar} [{color}]{Escape(budget.State)}[/] · {Escape(Figures(ledger))}" +
            (Forecast(budget) is { } forecast ? $"\n  [grey]{Escape(forecast)}[/]" : "");
    }

    public static string Plain(BudgetView? budget) =>
        budget?.Ledger is not { } ledger ? "budget unknown"
        : string.Create(CultureInfo.InvariantCulture, $"budget {ledger.Spent + ledger.Reserved:N0}/{ledger.Limit:N0} today ({budget.State})");

    private static string Figures(LedgerView ledger) => string.Create(
        CultureInfo.InvariantCulture,
        $"{ledger.Spent:N0} spent + {ledger.Reserved:N0} reserved of {ledger.Limit:N0} credits today, {ledger.Remaining:N0} left");

    private static string? Forecast(BudgetView budget)
    {
        if (budget.Forecast is not { CreditsPerHour: { } rate } forecast || budget.Ledger is not { } ledger)
        {
            return null;
        }

        var reset = ledger.NextResetAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm zzz", CultureInfo.InvariantCulture);
        return forecast.ExhaustsAt is { } at
            ? string.Create(CultureInfo.InvariantCulture, $"Forecast: {rate:N0} credits/h; runs out at {at.ToLocalTime():yyyy-MM-dd HH:mm zzz}{(forecast.BeforeReset ? $", before the reset at {reset}: deliveries will pause" : $", after the reset at {reset}")}")
            : string.Create(CultureInfo.InvariantCulture, $"Forecast: {rate:N0} credits/h; lasts until the reset at {reset}");
    }

    private static string Escape(string text) => Spectre.Console.Markup.Escape(text);
}
