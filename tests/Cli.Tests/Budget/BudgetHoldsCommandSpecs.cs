using ClayBus.Contracts.Credits;
using ClayBus.Monitor.Budget;
using Microsoft.AspNetCore.Http;

namespace ClayBus.Cli.Tests.Budget;

public sealed class BudgetHoldsCommandSpecs : FakeMonitorSpecs
{
    [Fact]
    public async Task Should_list_held_tables_with_the_charge_that_held_them()
    {
        var at = new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero);
        Monitor.Holds =
        [
            new TableHoldView("event-attendees", true, 3, at, [new BudgetAnomaly("event-attendees", "zoominfo", "data_credits", 5m, 4m, Guid.NewGuid(), "row-1", at)]),
            new TableHoldView("inbound-leads", false, 1, at, []),
        ];
        var cli = new CliRun();

        var exit = await cli.RunAsync("budget", "holds", "--monitor", MonitorAddress);

        Assert.Equal(0, exit);
        Assert.Contains("GET /budget/holds", Monitor.Requests);
        Assert.Contains("1 held table(s)", cli.Output, StringComparison.Ordinal);
        Assert.Contains("zoominfo data_credits: 5 > 4 reserved", cli.Output, StringComparison.Ordinal);
        Assert.Contains("claybus budget release-hold event-attendees", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_say_so_when_no_table_is_held()
    {
        var cli = new CliRun();

        var exit = await cli.RunAsync("budget", "holds", "--monitor", MonitorAddress);

        Assert.Equal(0, exit);
        Assert.Contains("No table is held", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_ask_theMonitor_to_release_the_hold()
    {
        var cli = new CliRun();

        var exit = await cli.RunAsync("budget", "release-hold", "event-attendees", "--monitor", MonitorAddress);

        Assert.Equal(0, exit);
        Assert.Contains("DELETE /budget/holds/event-attendees", Monitor.Requests);
        Assert.Contains("Release of table event-attendees requested (by dev-only-local)", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_show_why_theMonitor_refused_a_release()
    {
        Monitor.ReleaseHold = table => TypedResults.Problem($"table {table} is not held: GET /budget/holds lists the held tables", statusCode: StatusCodes.Status404NotFound, title: "Table not held");
        var cli = new CliRun();

        var exit = await cli.RunAsync("budget", "release-hold", "inbound-leads", "--monitor", MonitorAddress);

        Assert.Equal(1, exit);
        Assert.Contains("Monitor answered 404 Table not held", cli.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_ask_for_the_table_when_none_is_given()
    {
        var cli = new CliRun();

        var exit = await cli.RunAsync("budget", "release-hold", "--monitor", MonitorAddress);

        Assert.Equal(2, exit);
        Assert.Contains("Required argument missing for command: 'release-hold'", cli.Output, StringComparison.Ordinal);
        Assert.Empty(Monitor.Requests);
    }
}
