using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ClayBus.Cli.Status;

/// <summary>One job: per-table progress bars, credits against the budget, and the likely cause when it is stuck.</summary>
internal static class JobDisplay
{
    public const string Legend = "[grey]finished:[/] [green]█[/] enriched  [red]█[/] failed (no data or error)  [yellow]█[/] dead-lettered  [grey]░ not yet[/]";

    public static IRenderable Render(JobView job, BudgetView? budget, DateTimeOffset now, int width, string? notice = null)
    {
        var color = JobOutcome.Color(job.Phase);
        var lines = new List<IRenderable>
        {
            new Markup($"Job [bold]{job.JobId}[/] · [{color}]{Escape(JobOutcome.Describe(job.Phase))}[/]"),
            new Markup($"  {job.RowsAccepted:N0} rows accepted"
                + (job.SubmittedBy is { } by ? $" · submitted by {Escape(by)}" : "")
                + $" · last progress {Escape(Ago(job.LastProgressAt, now))}"),
        };
        if (job.LikelyCause is { } cause && job.Phase.Equals("stuck", StringComparison.OrdinalIgnoreCase))
        {
            lines.Add(new Markup($"[red]Likely cause:[/] {Escape(cause)}"));
        }

        lines.Add(Tables(job, width));
        lines.Add(new Markup(Legend));
        if (job.RowsHeld > 0 && JobOutcome.ExitCode(job.Phase) is null)
        {
            var reset = budget?.Ledger is { } ledger ? " at " + ledger.NextResetAt.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) : "";
            lines.Add(new Markup($"[grey]{job.RowsHeld:N0} rows are held for the budget reset{Escape(reset)} (the Submitter's admission policy); the job finishes after they are delivered.[/]"));
        }

        lines.Add(new Markup(string.Create(CultureInfo.InvariantCulture, $"Credits for this job: {job.CreditsSpent:N0} spent of ~{job.CreditsEstimated:N0} estimated")));
        lines.Add(new Markup(BudgetDisplay.Markup(budget, width, now)));
        if (notice is not null)
        {
            lines.Add(new Markup($"[yellow]{Escape(notice)}[/]"));
        }

        return new Rows(lines);
    }

    /// <summary>One line per refresh when stdout is not a terminal: what a CI log should show.</summary>
    public static string Plain(JobView job, BudgetView? budget) => string.Create(
        CultureInfo.InvariantCulture,
        $"job {job.JobId} {job.Phase}: delivered {job.RowsDelivered:N0}/{job.RowsAccepted:N0} ({Bars.Percent(job.RowsDelivered, job.RowsAccepted)}), " +
        $"finished {job.RowsFinished:N0}/{job.RowsAccepted:N0} ({Bars.Percent(job.RowsFinished, job.RowsAccepted)}): enriched {job.RowsEnriched:N0}, failed {job.RowsFailed:N0}, dead-lettered {job.RowsDeadLettered:N0}; " +
        $"{(job.RowsHeld > 0 ? $"held for the budget reset {job.RowsHeld:N0}; " : "")}credits {job.CreditsSpent:N0}{(budget is null ? "" : "; " + BudgetDisplay.Plain(budget))}");

    /// <summary>The closing line of a wait: what happened, in words a person and a log reader both take in at once.</summary>
    public static string Outcome(JobView job) => string.Create(
        CultureInfo.InvariantCulture,
        $"Job {job.JobId} {JobOutcome.Describe(job.Phase)}: {job.RowsEnriched:N0} of {job.RowsAccepted:N0} rows enriched, {job.RowsFailed:N0} failed, {job.RowsDeadLettered:N0} dead-lettered; {job.CreditsSpent:N0} credits spent.")
        + (job.Phase.Equals("stuck", StringComparison.OrdinalIgnoreCase) && job.LikelyCause is { } cause ? " Likely cause: " + cause : "")
        + (job.RowsDeadLettered > 0 ? " See them with 'claybus dlq list'." : "");

    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var age = now - at;
        return age < TimeSpan.FromSeconds(1) ? "just now"
            : age < TimeSpan.FromMinutes(1) ? $"{age.TotalSeconds:0} s ago"
            : age < TimeSpan.FromHours(1) ? $"{age.TotalMinutes:0} min ago"
            : age < TimeSpan.FromDays(1) ? $"{age.TotalHours:0.#} h ago"
            : at.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    private static Table Tables(JobView job, int width)
    {
        var keyWidth = job.Tables.Select(row => row.TableKey.Length).DefaultIfEmpty(5).Max() + 4;
        var creditsWidth = string.Create(CultureInfo.InvariantCulture, $"{job.CreditsSpent:N0} / ~{job.CreditsEstimated:N0}").Length + 3;
        // Held and batches are the first to go on a narrow terminal; the two bars shrink to figures before the table wraps.
        var wide = width - keyWidth - creditsWidth - 20 - 1 >= 2 * 20;
        var barWidth = Bars.WidthFor(width - keyWidth - creditsWidth - (wide ? 20 : 0) - 7, 2, job.RowsAccepted);
        var table = new Table().Border(TableBorder.Rounded).AddColumn("table").AddColumn("delivered to Clay").AddColumn("finished");
        if (wide)
        {
            table.AddColumn(new TableColumn("held").RightAligned()).AddColumn(new TableColumn("batches").RightAligned());
        }

        table.AddColumn(new TableColumn("credits").RightAligned());
        void Row(string key, int accepted, int delivered, int enriched, int failed, int deadLettered, int held, int batchesDelivered, int batches, decimal spent, decimal estimated)
        {
            var cells = new List<string>
            {
                key,
                Bars.Markup(barWidth, accepted, (delivered, "blue")),
                Bars.Markup(barWidth, accepted, (enriched, "green"), (failed, "red"), (deadLettered, "yellow")),
            };
            if (wide)
            {
                cells.Add(held.ToString("N0", CultureInfo.InvariantCulture));
                cells.Add($"{batchesDelivered:N0}/{batches:N0}");
            }

            cells.Add(string.Create(CultureInfo.InvariantCulture, $"{spent:N0} / ~{estimated:N0}"));
            table.AddRow(cells.ToArray());
        }

        foreach (var row in job.Tables)
        {
            Row(Escape(row.TableKey), row.RowsAccepted, row.RowsDelivered, row.RowsEnriched, row.RowsFailed, row.RowsDeadLettered, row.RowsHeld, row.BatchesDelivered, row.Batches, row.CreditsSpent, row.CreditsEstimated);
        }

        if (job.Tables.Count > 1)
        {
            Row("[bold]all tables[/]", job.RowsAccepted, job.RowsDelivered, job.RowsEnriched, job.RowsFailed, job.RowsDeadLettered, job.RowsHeld, job.Tables.Sum(row => row.BatchesDelivered), job.Tables.Sum(row => row.Batches), job.CreditsSpent, job.CreditsEstimated);
        }

        return table;
    }

    private static string Escape(string text) => Markup.Escape(text);
}
