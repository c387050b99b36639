using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ClayBus.Cli.Status;

/// <summary>One job: per-table progress bars, credits against the budget, and the likely cause when it is stuck.</summary>
internal static class JobDisplay
{
    public static IRenderable Render(JobView job, BudgetView? budget, DateTimeOffset now, string? notice = null)
    {
        var color = JobOutcome.Color(job.Phase);
        var lines = new List<IRenderable>
        {
            new Markup($"Job [bold]{job.JobId}[/] · [{color}]{Escape(JobOutcome.Describe(job.Phase))}[/] · {job.RowsAccepted:N0} rows accepted"
                + (job.SubmittedBy is { } by ? $" · submitted by {Escape(by)}" : "")
                + $" · last progress {Escape(Ago(job.LastProgressAt, now))}"),
        };
        if (job.LikelyCause is { } cause && job.Phase.Equals("stuck", StringComparison.OrdinalIgnoreCase))
        {
            lines.Add(new Markup($"[red]Likely cause:[/] {Escape(cause)}"));
        }

        lines.Add(Tables(job));
        lines.Add(new Markup(string.Create(CultureInfo.InvariantCulture, $"Credits for this job: {job.CreditsSpent:N0} spent of ~{job.CreditsEstimated:N0} estimated")));
        lines.Add(new Markup(BudgetDisplay.Markup(budget)));
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
        $"credits {job.CreditsSpent:N0}; {BudgetDisplay.Plain(budget)}");

    /// <summary>The closing line of a wait: what happened, in words a person and a log reader both take in at once.</summary>
    public static string Outcome(JobView job) => string.Create(
        CultureInfo.InvariantCulture,
        $"Job {job.JobId} {JobOutcome.Describe(job.Phase)}: {job.RowsEnriched:N0} of {job.RowsAccepted:N0} rows enriched, {job.RowsFailed:N0} failed, {job.RowsDeadLettered:N0} dead-lettered; {job.CreditsSpent:N0} credits spent.")
        + (job.Phase.Equals("stuck", StringComparison.OrdinalIgnoreCase) && job.LikelyCause is { } cause ? " Likely cause: " + cause : "")
        + (job.RowsDeadLettered > 0 ? " See them with 'claybus dlq list'." : "");

    private static Table Tables(JobView job)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumn("table")
            .AddColumn("delivered to Clay")
            .AddColumn("finished ([green]enriched[/] [red]failed[/] [yellow]dead-lettered[/])")
            .AddColumn(new TableColumn("held").RightAligned())
            .AddColumn(new TableColumn("batches").RightAligned())
            .AddColumn(new TableColumn("credits").RightAligned());
        foreach (var row in job.Tables)
        {
            table.AddRow(
                Escape(row.TableKey),
                Bars.Markup(row.RowsAccepted, (row.RowsDelivered, "blue")),
                Finished(row.RowsAccepted, row.RowsEnriched, row.RowsFailed, row.RowsDeadLettered),
                row.RowsHeld.ToString("N0", CultureInfo.InvariantCulture),
                $"{row.BatchesDelivered:N0}/{row.Batches:N0}",
                string.Create(CultureInfo.InvariantCulture, $"{row.CreditsSpent:N0} / ~{row.CreditsEstimated:N0}"));
        }

        if (job.Tables.Count > 1)
        {
            table.AddRow(
                "[bold]all tables[/]",
                Bars.Markup(job.RowsAccepted, (job.RowsDelivered, "blue")),
                Finished(job.RowsAccepted, job.RowsEnriched, job.RowsFailed, job.RowsDeadLettered),
                job.Tables.Sum(row => row.RowsHeld).ToString("N0", CultureInfo.InvariantCulture),
                $"{job.Tables.Sum(row => row.BatchesDelivered):N0}/{job.Tables.Sum(row => row.Batches):N0}",
                string.Create(CultureInfo.InvariantCulture, $"{job.CreditsSpent:N0} / ~{job.CreditsEstimated:N0}"));
        }

        return table;
    }

    private static string Finished(int accepted, int enriched, int failed, int deadLettered) =>
        Bars.Markup(accepted, (enriched, "green"), (failed, "red"), (deadLettered, "yellow"));

    public static string Ago(DateTimeOffset at, DateTimeOffset now)
    {
        var age = now - at;
        return age < TimeSpan.FromSeconds(1) ? "just now"
            : age < TimeSpan.FromMinutes(1) ? $"{age.TotalSeconds:0} s ago"
            : age < TimeSpan.FromHours(1) ? $"{age.TotalMinutes:0} min ago"
            : age < TimeSpan.FromDays(1) ? $"{age.TotalHours:0.#} h ago"
            : at.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
    }

    private static string Escape(string text) => Markup.Escape(text);
}
