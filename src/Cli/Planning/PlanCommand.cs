using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using ClayBus.Cli.Connection;
using ClayBus.Cli.Console;
using ClayBus.Submitter.Planning;
using Spectre.Console;

namespace ClayBus.Cli.Planning;

/// <summary>
/// <c>claybus plan</c>: Clay plan tier, credits, Actions, webhooks, tables and delivery time for a monthly volume;
/// offline, or with <c>--submitter</c> from the Submitter's <c>GET /plan</c> (its tables' auto-delete, its rate).
/// </summary>
public sealed class PlanCommand(Terminal terminal) : ICommand
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public string Name => "plan";

    public string Summary => "Clay plan, credits, Actions, webhooks and tables for a monthly lead volume";

    public IReadOnlyList<Symbol> Parameters =>
    [
        Syntax.Value("--monthly-leads", "n", "leads you send to Clay per month (required)"),
        Syntax.Value("--credits-per-lead", "6", "Data Credits a fully enriched lead costs (Clay: typically 6–20; default 6)"),
        Syntax.Value("--actions-per-lead", "2", "Clay Actions per lead: enrichments + the HTTP API callback (default 2)"),
        Syntax.Value("--records-per-second", "10", "the workspace's rate, for the delivery time (default: the Submitter's RateLimit:RecordsPerSecond, else Clay's 10)"),
        Syntax.Flag("--own-keys", "your own provider keys: no Data Credits, Actions still spent"),
        Syntax.Flag("--auto-delete", "auto-delete tables (Enterprise): no new table or webhook per 50,000 rows (default: the Submitter's tables)"),
        Syntax.Flag("--json", "machine-readable output"),
        Syntax.Submitter(),
    ];

    public string Notes => "Works offline (the same arithmetic as the Submitter's GET /plan); with --submitter it asks the Submitter, which knows its tables and rate.";

    public async Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var leads = arguments.Number("monthly-leads") ?? throw new UsageException("--monthly-leads is required, e.g. --monthly-leads 50000");
        var credits = arguments.Amount("credits-per-lead");
        var actions = arguments.Number("actions-per-lead");
        var rate = arguments.Amount("records-per-second");
        var ownKeys = arguments.Flag("own-keys");
        var autoDelete = arguments.Option("auto-delete") is null ? (bool?)null : arguments.Flag("auto-delete");
        var json = arguments.Flag("json");
        var submitter = arguments.Option("submitter") is null ? null : ServiceAddress.Submitter(arguments, terminal);
        arguments.RejectUnknown();
        if (actions < 1)
        {
            throw new UsageException("--actions-per-lead must be at least 1 (the HTTP API callback alone is one Action)");
        }

        if (rate is 0)
        {
            throw new UsageException("--records-per-second must be above 0 (Clay's limit is 10)");
        }

        CapacityPlan plan;
        if (submitter is null)
        {
            plan = CapacityPlan.For(leads, credits ?? 6, ownKeys, (int)(actions ?? 2), autoDelete ?? false, (double)(rate ?? (decimal)CapacityPlan.ClayRecordsPerSecond));
        }
        else
        {
            using var client = new ServiceClient(submitter, terminal);
            var query = string.Create(CultureInfo.InvariantCulture, $"plan?monthlyLeads={leads}&ownKeys={(ownKeys ? "true" : "false")}")
                + (credits is { } c ? string.Create(CultureInfo.InvariantCulture, $"&creditsPerLead={c}") : "")
                + (actions is { } a ? string.Create(CultureInfo.InvariantCulture, $"&actionsPerLead={a}") : "")
                + (rate is { } r ? string.Create(CultureInfo.InvariantCulture, $"&recordsPerSecond={r}") : "")
                + (autoDelete is { } d ? $"&autoDelete={(d ? "true" : "false")}" : "");
            plan = await client.GetAsync<CapacityPlan>(query, cancellationToken);
        }

        if (json)
        {
            terminal.PlainLine(JsonSerializer.Serialize(plan, Json));
            return 0;
        }

        Render(plan);
        return 0;
    }

    private void Render(CapacityPlan plan)
    {
        var console = terminal.Console;
        var table = new Table().Border(TableBorder.Rounded).AddColumn("").AddColumn(new TableColumn("per month").RightAligned()).AddColumn(new TableColumn("per year").RightAligned());
        table.AddRow("Leads", $"{plan.MonthlyLeads:N0}", $"{plan.MonthlyLeads * 12:N0}");
        table.AddRow("Data Credits", $"{plan.DataCreditsPerMonth:N0}", $"{plan.DataCreditsPerMonth * 12:N0}");
        table.AddRow("Actions", $"{plan.ActionsPerMonth:N0}", $"{plan.ActionsPerMonth * 12:N0}");
        table.AddRow(plan.AutoDelete ? "New webhooks (auto-delete: no lifetime cap)" : "Webhooks (50,000 records each)", $"{plan.WebhooksPerMonth:N0}", $"{plan.WebhooksPerYear:N0}");
        table.AddRow(plan.AutoDelete ? "New tables (auto-delete: no row cap)" : "Tables (50,000 rows each)", "", $"{plan.TablesPerYear:N0}");
        table.AddRow(Markup.Escape($"Delivery time at {plan.RecordsPerSecond:0.##} records/s"), $"{plan.DeliveryHoursPerMonth:N2} h", "");
        console.Write(table);
        console.MarkupLineInterpolated($"Plan: [bold]{plan.Tier}[/] — {plan.TierReason}");
        foreach (var tier in plan.Tiers ?? [])
        {
            console.MarkupLineInterpolated($"  {tier.Name}: {(tier.CoversVolume && tier.Usable ? "fits" : "no")} — {tier.Verdict}");
        }

        foreach (var note in plan.Notes)
        {
            console.MarkupLineInterpolated($"  • {note}");
        }
    }
}
