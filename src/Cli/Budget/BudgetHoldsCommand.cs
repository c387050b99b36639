using System.CommandLine;
using System.Globalization;
using ClayBus.Cli.Connection;
using ClayBus.Cli.Console;
using Spectre.Console;

namespace ClayBus.Cli.Budget;

/// <summary><c>claybus budget holds</c>: tables held after Clay charged above their price list, and the charges.</summary>
public sealed class BudgetHoldsCommand(Terminal terminal) : ICommand
{
    public string Name => "budget holds";

    public string Summary => "tables held after Clay charged a row above their price list, with the charges that held them";

    public IReadOnlyList<Symbol> Parameters => [Syntax.Monitor()];

    public string Notes => "Reads the Monitor's GET /budget/holds (the Enricher's ledger says which tables are held).";

    public async Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var address = ServiceAddress.Monitor(arguments, terminal);
        arguments.RejectUnknown();
        if (arguments.Positionals.Count > 0)
        {
            throw new UsageException($"budget holds takes no arguments, got '{string.Join(' ', arguments.Positionals)}'");
        }

        using var monitor = new ServiceClient(address, terminal);
        var tables = await monitor.GetAsync<List<TableHoldView>>("budget/holds", cancellationToken);
        var console = terminal.Console;
        var held = tables.Where(t => t.Held).ToList();
        if (held.Count == 0)
        {
            console.MarkupLine("[green]No table is held[/]: every table delivers within its price list.");
        }
        else
        {
            console.MarkupLineInterpolated($"[yellow]{held.Count} held table(s)[/]: their rows wait until Tables:<table>:Prices covers the charge, or until released.");
        }

        if (tables.Count == 0)
        {
            return ExitCode.Success;
        }

        var grid = new Table().Border(TableBorder.Rounded)
            .AddColumn("table").AddColumn("held").AddColumn(new TableColumn("anomalies").RightAligned()).AddColumn("latest charge").AddColumn("last seen");
        foreach (var table in tables)
        {
            var latest = table.Latest.Count > 0 ? table.Latest[0] : null;
            var charge = latest is null
                ? "–"
                : string.Create(CultureInfo.InvariantCulture, $"{latest.Provider ?? "(no provider)"} {latest.Meter}: {latest.Charged} > {latest.Reserved} reserved");
            grid.AddRow(
                Markup.Escape(table.TableKey),
                table.Held ? "[yellow]held[/]" : "no",
                table.Anomalies.ToString("N0", CultureInfo.InvariantCulture),
                Markup.Escape(charge),
                Markup.Escape(table.LastAnomalyAt?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "–"));
        }

        console.Write(grid);
        if (held.Count > 0)
        {
            console.MarkupLineInterpolated($"[grey]Raise the price list, or let a table deliver now (held again at its next charge above it): claybus budget release-hold {held[0].TableKey}[/]");
        }

        return ExitCode.Success;
    }
}

/// <summary>The Monitor's answer (src/Monitor/Budget/BudgetHoldEndpoints.cs, TableHoldView).</summary>
public sealed record TableHoldView(string TableKey, bool Held, long Anomalies, DateTimeOffset? LastAnomalyAt, IReadOnlyList<AnomalyView> Latest);

/// <summary>One charge above a price list (Contracts' BudgetAnomaly, as the Monitor serves it).</summary>
public sealed record AnomalyView(string TableKey, string? Provider, string Meter, decimal Charged, decimal Reserved, DateTimeOffset At);
