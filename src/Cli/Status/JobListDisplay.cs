using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ClayBus.Cli.Status;

/// <summary>The newest jobs as a table, then today's budget.</summary>
internal static class JobListDisplay
{
    public static IRenderable Render(IReadOnlyList<JobView> jobs, BudgetView? budget, DateTimeOffset now, int width, string? notice = null)
    {
        var lines = new List<IRenderable>();
        if (jobs.Count == 0)
        {
            lines.Add(new Markup("No jobs yet. Submit one with [bold]claybus submit leads.csv[/]."));
        }
        else
        {
            // The job id stays whole (it is what you copy); who submitted and when go first on a narrow terminal.
            var narrow = width < 100;
            var by = width >= 150;
            var submitted = width >= 125;
            var fixedWidth = 39 + 24 + (narrow ? 0 : 19) + (submitted ? 13 : 0) + (by ? 17 : 0);
            var barWidth = narrow ? 0 : Bars.WidthFor(width - fixedWidth - 4, 1, jobs.Max(job => job.RowsAccepted));
            var table = new Table().Border(narrow ? TableBorder.None : TableBorder.Rounded).AddColumn("job").AddColumn("phase");
            if (submitted)
            {
                table.AddColumn("submitted");
            }

            if (!narrow)
            {
                table.AddColumn(new TableColumn("rows").RightAligned());
            }

            table.AddColumn("finished");
            if (!narrow)
            {
                table.AddColumn(new TableColumn("credits").RightAligned());
            }

            if (by)
            {
                table.AddColumn("by");
            }

            foreach (var job in jobs)
            {
                var cells = new List<string> { job.JobId.ToString(), $"[{JobOutcome.Color(job.Phase)}]{Markup.Escape(job.Phase)}[/]" };
                if (submitted)
                {
                    cells.Add(Markup.Escape(JobDisplay.Ago(job.SubmittedAt ?? job.CreatedAt, now)));
                }

                if (!narrow)
                {
                    cells.Add(job.RowsAccepted.ToString("N0", CultureInfo.InvariantCulture));
                }

                cells.Add(Bars.Markup(barWidth, job.RowsAccepted, (job.RowsEnriched, "green"), (job.RowsFailed, "red"), (job.RowsDeadLettered, "yellow")));
                if (!narrow)
                {
                    cells.Add(job.CreditsSpent.ToString("N0", CultureInfo.InvariantCulture));
                }

                if (by)
                {
                    cells.Add(Markup.Escape(job.SubmittedBy ?? ""));
                }

                table.AddRow(cells.ToArray());
            }

            lines.Add(table);
            if (barWidth > 0)
            {
                lines.Add(new Markup(JobDisplay.Legend));
            }

            lines.Add(new Markup("[grey]One job's per-table progress: claybus status <job-id>[/]"));
        }

        lines.Add(new Markup(BudgetDisplay.Markup(budget, width, now)));
        if (notice is not null)
        {
            lines.Add(new Markup($"[yellow]{Markup.Escape(notice)}[/]"));
        }

        return new Rows(lines);
    }

    public static string Plain(IReadOnlyList<JobView> jobs, BudgetView? budget) => string.Create(
        CultureInfo.InvariantCulture,
        $"{jobs.Count} jobs: {string.Join(", ", jobs.GroupBy(job => job.Phase).Select(group => $"{group.Count()} {group.Key}"))}{(budget is null ? "" : "; " + BudgetDisplay.Plain(budget))}");
}
