using System.CommandLine;
using ClayBus.Cli.Connection;
using ClayBus.Cli.Console;
using Spectre.Console;

namespace ClayBus.Cli.DeadLetters;

/// <summary><c>claybus dlq list</c>: each <c>_error</c> queue with its depth, and the failures in them grouped by reason.</summary>
public sealed class DeadLetterListCommand(Terminal terminal) : ICommand
{
    public string Name => "dlq list";

    public string Summary => "dead-letter queues with their depth, and the failures grouped by reason";

    public IReadOnlyList<Symbol> Parameters => [Syntax.Monitor()];

    public string Notes => "Reads the Monitor's GET /status/dead-letters (which peeks the _error queues through the RabbitMQ management API).";

    public async Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var address = ServiceAddress.Monitor(arguments, terminal);
        arguments.RejectUnknown();
        if (arguments.Positionals.Count > 0)
        {
            throw new UsageException($"dlq list takes no arguments, got '{string.Join(' ', arguments.Positionals)}'");
        }

        using var monitor = new ServiceClient(address, terminal);
        var report = await monitor.GetAsync<DeadLetterReportView>("status/dead-letters", cancellationToken);
        var console = terminal.Console;
        if (!report.Available)
        {
            console.MarkupLineInterpolated($"[red]The Monitor could not read the dead-letter queues: {report.Error ?? "no reason given"}[/]");
            console.MarkupLine("  Check that RabbitMQ's management plugin answers (scripts/infra.sh up) and the Monitor's management settings.");
            return ExitCode.Failed;
        }

        if (report.Total == 0)
        {
            console.MarkupLineInterpolated($"[green]No dead letters[/] ({report.Queues.Count} _error queues, all empty).");
            return ExitCode.Success;
        }

        var nonEmpty = report.Queues.Where(queue => queue.Depth > 0).ToList();
        console.MarkupLineInterpolated($"[yellow]{report.Total:N0} dead-lettered messages[/] in {nonEmpty.Count} of {report.Queues.Count} _error queues");
        var queues = new Table().Border(TableBorder.Rounded).AddColumn("queue").AddColumn("returns to").AddColumn(new TableColumn("depth").RightAligned());
        foreach (var queue in nonEmpty.OrderByDescending(queue => queue.Depth))
        {
            queues.AddRow(Markup.Escape(queue.Queue), Markup.Escape(queue.SourceQueue), $"{queue.Depth:N0}");
        }

        console.Write(queues);
        if (report.Groups.Count > 0)
        {
            console.MarkupLine("Failures by reason [grey](counted among the messages the Monitor peeks at the head of each queue)[/]:");
            var groups = new Table().Border(TableBorder.Rounded)
                .AddColumn(new TableColumn("count").RightAligned()).AddColumn("queue").AddColumn("reason").AddColumn("group").AddColumn("last failed");
            foreach (var group in report.Groups.OrderByDescending(group => group.Count).ThenBy(group => group.Queue, StringComparer.Ordinal))
            {
                var reason = group.Message.Length == 0 ? group.ExceptionType : $"{group.ExceptionType}: {group.Message}";
                groups.AddRow($"{group.Count:N0}", Markup.Escape(group.Queue), Markup.Escape(reason), Markup.Escape(group.Id), Markup.Escape(group.LastFailedAt?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture) ?? "–"));
            }

            console.Write(groups);
        }

        console.MarkupLineInterpolated($"[grey]Fix the cause first, then move a group back, paced, stopping if it fails again: claybus dlq requeue {nonEmpty.OrderByDescending(queue => queue.Depth).First().Queue} --group <group>[/]");
        return ExitCode.Success;
    }
}
