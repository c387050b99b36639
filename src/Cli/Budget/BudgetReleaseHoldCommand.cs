using System.CommandLine;
using ClayBus.Cli.Connection;
using ClayBus.Cli.Console;
using Spectre.Console;

namespace ClayBus.Cli.Budget;

/// <summary><c>claybus budget release-hold &lt;table&gt;</c>: lets a held table deliver again, audited.</summary>
public sealed class BudgetReleaseHoldCommand(Terminal terminal) : ICommand
{
    public string Name => "budget release-hold";

    public string Summary => "let a table held after a charge above its price list deliver again (role: operate)";

    public IReadOnlyList<Symbol> Parameters =>
    [
        Syntax.Operand("table", "the held table (claybus budget holds lists them)", required: true),
        Syntax.Monitor(),
    ];

    public string Notes => "Needs an API key with the operate role in $CLAYBUS_API_KEY. The price list is unchanged: the next charge above it holds the table again.";

    public async Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var table = arguments.Positionals.Count == 1
            ? arguments.Positionals[0]
            : throw new UsageException("give the table to release, e.g. claybus budget release-hold event-attendees (claybus budget holds lists the held tables)");
        var address = ServiceAddress.Monitor(arguments, terminal);
        arguments.RejectUnknown();

        using var monitor = new ServiceClient(address, terminal);
        var release = await monitor.DeleteAsync<ReleaseView>($"budget/holds/{Uri.EscapeDataString(table)}", cancellationToken);
        terminal.Console.MarkupLineInterpolated($"[green]Release of table {release.TableKey} requested[/] (by {release.RequestedBy}); its batches go at their next turn.");
        terminal.Console.MarkupLine("  Its price list is unchanged: raise Tables:<table>:Prices, or the next charge above it holds the table again.");
        return ExitCode.Success;
    }
}

/// <summary>The Monitor's answer (src/Monitor/Budget/BudgetHoldEndpoints.cs, HoldReleaseRequested).</summary>
public sealed record ReleaseView(string TableKey, string RequestedBy, DateTimeOffset At);
