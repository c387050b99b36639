using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ClayBus.Cli.Status;

/// <summary>The newest jobs as a table, then today's budget.</summary>
internal static class JobListDisplay
{
    public static IRenderable Render(IReadOnlyList<JobView> jobs, BudgetView? budget, DateTimeOffset now, string? notice = null)
    {
        var lines = new List<IRenderable>();
        if (jobs.Count == 0)
        {
            lines.Add(new Markup("No jobs yet. Submit one with [bold]claybus submit leads.csv[/]."));
        }
        else
        {
            var table = new Table().Border(TableBorder.Rounded)
                .AddColumn("job")
                .AddColumn("phase")
                .AddColumn("submitted")
                .AddColumn(new TableColumn("rows").RightAligned())
                .AddColumn("finished ([green]enriched[/] [red]failed[/] [yellow]dead-lettered[/])")
                .AddColumn(new TableColumn("credits").RightAligned())
                .AddColumn("by");
            foreach (var job in jobs)
            {
                table.AddRow(
                    job.JobId.ToString(),
                    $"[{JobOutcome.Color(job.Phase)}]{Markup.Escape(job.Phase)}[/]",
                    Markup.Escape(JobDisplay.Ago(job.SubmittedAt ?? job.CreatedAt, now)),
                    job.RowsAccepted.ToString("N0", CultureInfo.InvariantCulture),
                    Bars.Markup(job.RowsAccepted, (job.RowsEnriched, "green"), (job.RowsFailed, "red"), (job.RowsDeadLettered, "yellow")),
                    job.CreditsSpent.ToString("N0", CultureInfo.InvariantCulture),
                    Markup.Escape(job.SubmittedBy ?? ""));
            }

            lines.Add(table);
            lines.Add(new Markup("[grey]One job's per-table progress: claybus status <job-id>[/]"));
        }

        lines.Add(new Markup(BudgetDisplay.Markup(budget)));
        if (notice is not null)
        {
            lines.Add(new Markup($"[yellow]{Markup.Escape(notice)}[/]"));
        }

        return new Rows(lines);
    }

    public static string Plain(IReadOnlyList<JobView> jobs, BudgetView? budget) => string.Create(
        CultureInfo.InvariantCulture,
        $"{jobs.Count} jobs: {string.Join(", ", jobs.GroupBy(job => job.Phase).Select(group => $"{group.Count()} {group.Key}"))}; {BudgetDisplay.Plain(budget)}");
}
