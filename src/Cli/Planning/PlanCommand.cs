using System.CommandLine;
using System.Text.Json;
using ClayBus.Cli.Console;
using ClayBus.Submitter.Planning;
using Spectre.Console;

namespace ClayBus.Cli.Planning;

/// <summary><c>claybus plan</c>: Clay plan tier, credits, Actions, webhooks, tables and delivery time for a monthly volume.</summary>
public sealed class PlanCommand : ICommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Name => "plan";

    public string Summary => "Clay plan, credits, Actions, webhooks and tables for a monthly lead volume";

    public IReadOnlyList<Symbol> Parameters =>
    [
        Syntax.Value("--monthly-leads", "n", "leads you send to Clay per month (required)"),
        Syntax.Value("--credits-per-lead", "6", "Data Credits a fully enriched lead costs (Clay: typically 6–20; default 6)"),
        Syntax.Value("--actions-per-lead", "2", "Clay Actions per lead: enrichments + the HTTP API callback (default 2)"),
        Syntax.Flag("--own-keys", "your own provider keys: no Data Credits, Actions still spent"),
        Syntax.Flag("--json", "machine-readable output"),
    ];

    public string Notes => "Works offline: the same arithmetic as the Submitter's GET /plan.";

    public Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var leads = arguments.Number("monthly-leads") ?? throw new UsageException("--monthly-leads is required, e.g. --monthly-leads 50000");
        var credits = arguments.Amount("credits-per-lead") ?? 6;
        var actions = arguments.Number("actions-per-lead") ?? 2;
        var ownKeys = arguments.Flag("own-keys");
        var json = arguments.Flag("json");
        arguments.RejectUnknown();
        if (actions < 1)
        {
            throw new UsageException("--actions-per-lead must be at least 1 (the HTTP API callback alone is one Action)");
        }

        var plan = CapacityPlan.For(leads, credits, ownKeys, (int)actions);
        if (json)
        {
            System.Console.Out.WriteLine(JsonSerializer.Serialize(plan, Json));
            return Task.FromResult(0);
        }

        var table = new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn(new TableColumn("per month").RightAligned()).AddColumn(new TableColumn("per year").RightAligned());
        table.AddRow("Leads", $"{plan.MonthlyLeads:N0}", $"{plan.MonthlyLeads * 12:N0}");
        table.AddRow("Data Credits", $"{plan.DataCreditsPerMonth:N0}", $"{plan.DataCreditsPerMonth * 12:N0}");
        table.AddRow("Actions", $"{plan.ActionsPerMonth:N0}", $"{plan.ActionsPerMonth * 12:N0}");
        table.AddRow("Webhooks (50,000 records each)", $"{plan.WebhooksPerMonth:N0}", $"{plan.WebhooksPerYear:N0}");
        table.AddRow("Tables (≤ 50,000 rows unless auto-delete)", "", $"{plan.TablesPerYear:N0}");
        table.AddRow("Delivery time at 10 records/s", $"{plan.DeliveryHoursPerMonth:N2} h", "");
        AnsiConsole.Write(table);
        AnsiConsole.MarkupLineInterpolated($"Plan: [bold]{plan.Tier}[/] — {plan.TierReason}");
        foreach (var note in plan.Notes)
        {
            AnsiConsole.MarkupLineInterpolated($"  • {note}");
        }

        return Task.FromResult(0);
    }
}
