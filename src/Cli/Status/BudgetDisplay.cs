using System.Globalization;

namespace ClayBus.Cli.Status;

/// <summary>Today's credits against the budget, and the forecast.</summary>
internal static class BudgetDisplay
{
    public static string Markup(BudgetView? budget, int width, DateTimeOffset now)
    {
        if (budget?.Ledger is not { } ledger)
        {
            return "[grey]Budget: unknown (the Enricher's credit ledger did not answer the Monitor)[/]";
        }

        var color = budget.State switch { "exhausted" => "red", "alert" => "yellow", _ => "green" };
        var bar = Bars.Markup(Math.Min(Bars.MaxWidth, Math.Max(0, width - 50)), Whole(ledger.Limit), (Whole(ledger.Spent), color), (Whole(ledger.Reserved), "grey"));
        var figures = string.Create(CultureInfo.InvariantCulture, $"{ledger.Spent:N0} spent + {ledger.Reserved:N0} reserved of {ledger.Limit:N0}, {ledger.Remaining:N0} left");
        return $"Credits today ({budget.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}): {bar} [{color}]{Escape(budget.State)}[/]\n  {Escape(figures)}"
            + $"\n  {Escape(Actions(ledger))}"
            + (ledger.HeldTables is { Count: > 0 } held ? $"\n  [red]{Escape("Held (charged above their price list): " + string.Join(", ", held))}[/]" : "")
            + (Forecast(budget, now) is { } forecast ? $"\n  [grey]{Escape(forecast)}[/]" : "")
            + (budget.ActionsForecast?.Text is { } actions ? $"\n  [grey]{Escape(actions)}[/]" : "");
    }

    /// <summary>Clay's second meter, and the month of both.</summary>
    private static string Actions(LedgerView ledger)
    {
        var used = (ledger.ActionsReserved ?? 0) + (ledger.ActionsSpent ?? 0);
        var today = ledger.ActionsLimit is { } limit
            ? string.Create(CultureInfo.InvariantCulture, $"Actions today: {used:N0} used of {limit:N0}, {ledger.ActionsRemaining ?? 0:N0} left")
            : string.Create(CultureInfo.InvariantCulture, $"Actions today: {used:N0} used (no limit)");
        var monthActions = (ledger.ActionsMonthReserved ?? 0) + (ledger.ActionsMonthSpent ?? 0);
        var monthCredits = (ledger.MonthReserved ?? 0) + (ledger.MonthSpent ?? 0);
        var month = string.Create(
            CultureInfo.InvariantCulture,
            $"; month: {monthCredits:N0}{(ledger.MonthlyLimit is { } m ? $"/{m:N0}" : "")} credits, {monthActions:N0}{(ledger.ActionsMonthlyLimit is { } am ? $"/{am:N0}" : "")} Actions");
        return today + month;
    }

    public static string Plain(BudgetView? budget) =>
        budget?.Ledger is not { } ledger ? "budget unknown"
        : string.Create(CultureInfo.InvariantCulture, $"budget {ledger.Spent + ledger.Reserved:N0}/{ledger.Limit:N0} today ({budget.State})")
            + (ledger.ActionsLimit is { } actions ? string.Create(CultureInfo.InvariantCulture, $", actions {(ledger.ActionsReserved ?? 0) + (ledger.ActionsSpent ?? 0):N0}/{actions:N0}") : "");

    /// <summary>The Monitor's sentence, as the dashboard prints it; an older Monitor's fields are worded here.</summary>
    private static string? Forecast(BudgetView budget, DateTimeOffset now)
    {
        if (budget.Forecast is not { } forecast || budget.Ledger is not { } ledger)
        {
            return null;
        }

        if (forecast.Text is { } text)
        {
            return text;
        }

        var reset = When(ledger.NextResetAt, now);
        return (forecast.Outlook, forecast.PerHour, forecast.LimitReachedAt) switch
        {
            ("reached", _, _) => $"Forecast: limit reached; deliveries wait for the reset ({reset})",
            ("today", { } rate, { } at) => string.Create(CultureInfo.InvariantCulture, $"Forecast: {rate:N0} credits/h, limit reached at {When(at, now)}, before the reset ({reset}): deliveries will pause"),
            ("not today", { } rate, _) => string.Create(CultureInfo.InvariantCulture, $"Forecast: {rate:N0} credits/h, limit reached: not today ({forecast.ProjectedAtReset ?? 0:N0} of {ledger.Limit:N0} by the reset at {reset})"),
            _ => "Forecast: not enough samples yet for a burn rate",
        };
    }

    /// <summary>Local time; the day only when it is not today.</summary>
    private static string When(DateTimeOffset at, DateTimeOffset now)
    {
        var local = at.ToLocalTime();
        var today = now.ToLocalTime().Date;
        return local.Date == today ? local.ToString("HH:mm", CultureInfo.InvariantCulture)
            : local.Date == today.AddDays(1) ? "tomorrow " + local.ToString("HH:mm", CultureInfo.InvariantCulture)
            : local.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    // As N0 formats them, so the bar's figures and the text's agree.
    private static long Whole(decimal credits) => (long)Math.Round(credits, MidpointRounding.AwayFromZero);

    private static string Escape(string text) => Spectre.Console.Markup.Escape(text);
}
