using System.Net;
using System.Text.Json;
using Spectre.Console;

namespace ClayBus.Cli.Submit;

/// <summary>Prints the Submitter's answer: the job, admission, per-table figures and the first rejected rows.</summary>
internal static class JobSummary
{
    public static int Print(HttpStatusCode status, string body, IAnsiConsole console)
    {
        JsonElement root;
        try
        {
            root = JsonDocument.Parse(body).RootElement;
        }
        catch (JsonException)
        {
            console.MarkupLineInterpolated($"[red]{(int)status} {status}[/]: {body}");
            return 1;
        }

        if (status is not (HttpStatusCode.Accepted or HttpStatusCode.OK))
        {
            console.MarkupLineInterpolated($"[red]{(int)status} {Text(root, "title")}[/]");
            console.MarkupLineInterpolated($"  {Text(root, "detail")}");
            if (root.TryGetProperty("report", out var partial))
            {
                PrintReport(partial, console);
            }

            return 1;
        }

        PrintReport(root, console);
        return 0;
    }

    private static void PrintReport(JsonElement report, IAnsiConsole console)
    {
        var duplicate = report.TryGetProperty("duplicate", out var dup) && dup.GetBoolean();
        var dryRun = report.TryGetProperty("dryRun", out var dry) && dry.GetBoolean();
        console.MarkupLineInterpolated($"Job [bold]{Text(report, "jobId")}[/]{(dryRun ? " (dry run: nothing sent)" : "")}{(duplicate ? " (already submitted with this idempotency key: nothing sent now)" : "")}");
        console.MarkupLineInterpolated($"Admission: [bold]{Text(report, "admission")}[/] (policy {Text(report, "admissionPolicy")}, budget remaining {Text(report, "budgetRemaining")} from {Text(report, "budgetSource")})");
        console.MarkupLineInterpolated($"Rows: {Text(report, "rowsRead")} read, {Text(report, "rowsAccepted")} accepted, {Text(report, "rowsInvalid")} invalid, {Text(report, "rowsRejected")} rejected by table rules, {Text(report, "rowsDeduplicated")} duplicates, {Text(report, "rowsHeld")} held for the budget reset");
        console.MarkupLineInterpolated($"Batches: {Text(report, "batchesPublished")} published, {Text(report, "batchesHeld")} held; estimated credits {Text(report, "estimatedCredits")}");

        var tables = new Table().Border(TableBorder.Rounded)
            .AddColumn("table").AddColumn(new TableColumn("accepted").RightAligned()).AddColumn(new TableColumn("rejected").RightAligned())
            .AddColumn(new TableColumn("duplicates").RightAligned()).AddColumn(new TableColumn("held").RightAligned())
            .AddColumn(new TableColumn("batches").RightAligned()).AddColumn(new TableColumn("credits").RightAligned());
        foreach (var table in report.GetProperty("tables").EnumerateArray())
        {
            tables.AddRow(Text(table, "table"), Text(table, "rowsAccepted"), Text(table, "rowsRejected"), Text(table, "rowsDeduplicated"), Text(table, "rowsHeld"), Text(table, "batches"), Text(table, "estimatedCredits"));
        }

        console.Write(tables);
        var rejected = report.GetProperty("rejected").EnumerateArray().Take(10).ToList();
        if (rejected.Count > 0)
        {
            console.MarkupLine("First rejected rows:");
            foreach (var row in rejected)
            {
                console.MarkupLineInterpolated($"  row {Text(row, "row")}: {Text(row, "field")} {Text(row, "reason")}");
            }
        }
    }

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.ValueKind == JsonValueKind.String ? value.GetString() ?? "" : value.ToString() : "";
}
