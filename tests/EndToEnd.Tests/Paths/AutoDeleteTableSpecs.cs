using System.Globalization;
using System.Text;
using ClayBus.EndToEnd.Tests.Faults;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;
using Xunit.Abstractions;

namespace ClayBus.EndToEnd.Tests.Paths;

/// <summary>
/// Issue 20: an auto-delete table (Enterprise) takes three times the rows the run's cap allows: no TableFull, no
/// held rows, every row at Clay once and nothing dropped, and Clay's table empty again once the rows are processed.
/// A capped table in the same run stops at the same cap with a TableFull, so the cap is in force and only
/// auto-delete escapes it.
/// </summary>
[Trait("Category", "Integration")]
public sealed class AutoDeleteTableSpecs(InfrastructureFixture infrastructure, ITestOutputHelper output) : IClassFixture<InfrastructureFixture>
{
    private const string AutoDeleted = "event-attendees";
    private const string Capped = "inbound-leads";
    private const int Cap = 100;
    private const int AutoDeleteRows = 300;
    private const int CappedRows = 150;
    private static readonly string[] Finished = ["completed", "completedWithFailures"];

    [Fact]
    public async Task Should_deliver_every_row_to_an_auto_delete_table_past_the_cap_while_a_capped_table_stops_at_it()
    {
        var services = new Dictionary<string, string?>
        {
            [$"Tables__{AutoDeleted}__AutoDelete"] = "true",
            [$"Tables__{AutoDeleted}__MaxRows"] = Cap.ToString(CultureInfo.InvariantCulture),
            [$"Tables__{Capped}__MaxRows"] = Cap.ToString(CultureInfo.InvariantCulture),
            ["Parking__RecheckSeconds"] = "2",
        };
        var claySim = new Dictionary<string, string?>
        {
            ["ClaySim__TableRowCap"] = Cap.ToString(CultureInfo.InvariantCulture),
            // ClaySim's appsettings lists event-attendees fourth; the view check below catches a reordering.
            ["ClaySim__Tables__3__AutoDelete"] = "true",
        };
        await using var pipeline = await Pipeline.StartAsync(infrastructure, Measure.Settings(services, claySim));
        try
        {
            await TableFullEvents.ObserveAsync(pipeline);
            var view = await ClayTables.ViewAsync(pipeline, AutoDeleted);
            Assert.True(view.GetProperty("autoDelete").GetBoolean(), $"ClaySim's {AutoDeleted} is not auto-delete: {view}");

            var job = (await pipeline.SubmitCsvAsync(Leads("autodelete", AutoDeleteRows, "Manufacturing", "event"))).GetProperty("jobId").GetGuid();
            var status = await pipeline.WaitForJobAsync(job, ClayTables.Deadline, Finished);
            Assert.Equal(AutoDeleteRows, status.GetProperty("rowsAccepted").GetInt32());
            Assert.Equal(AutoDeleteRows, status.GetProperty("rowsDelivered").GetInt32());
            Assert.Equal(0, status.GetProperty("rowsHeld").GetInt32());
            Assert.Equal(0, status.GetProperty("rowsDeadLettered").GetInt32());

            // The control: the same cap stops a table without auto-delete, with a TableFull.
            await pipeline.SubmitCsvAsync(Leads("capped", CappedRows, "Retail", "web-form"));
            var announced = await Eventually.Value(() => TableFullEvents.ReadAsync(pipeline), events => events.Count > 0, ClayTables.Deadline, "TableFull for the capped table");
            // The capped table stops at a batch boundary at or below the cap; the Enricher's own figure is not asserted.
            await ClayTables.SettleAsync(pipeline, AutoDeleteRows);

            // Ground truth at Clay: every row once, nothing dropped, and the auto-delete table empty again.
            var counters = await ClayTables.CountersAsync(pipeline, AutoDeleted);
            output.WriteLine($"{AutoDeleted} at ClaySim: {counters}");
            Assert.Equal(AutoDeleteRows, counters.GetProperty("recordsAccepted").GetInt64());
            Assert.Equal(0, counters.GetProperty("duplicateRowIds").GetInt64());
            Assert.Equal(0, counters.GetProperty("droppedOverTableCap").GetInt64());
            Assert.Equal(0, counters.GetProperty("droppedOverCap").GetInt64());
            Assert.Equal(AutoDeleteRows, counters.GetProperty("callbacksSent").GetInt64());
            await Eventually.Until(
                async () => (await ClayTables.ViewAsync(pipeline, AutoDeleted)) is var t && t.GetProperty("rowsInTable").GetInt64() == 0 && t.GetProperty("retainedRowIds").GetInt64() == 0,
                ClayTables.Deadline,
                $"{AutoDeleted} to be empty at Clay once its rows called back");

            Assert.InRange(await ClayTables.DistinctAsync(pipeline, Capped), 1, Cap);
            Assert.Equal(0, (await ClayTables.CountersAsync(pipeline, Capped)).GetProperty("droppedOverTableCap").GetInt64());
            Assert.All(announced, e => Assert.Equal(Capped, e.GetProperty("message").GetProperty("tableKey").GetString()));
            Assert.Equal(0, (await pipeline.CountersAsync()).GetProperty("totals").GetProperty("duplicateRowIds").GetInt64());
            Assert.Equal(0, await Measure.DeadLettersAsync(pipeline));
            Assert.Equal(0, pipeline.UnexpectedExits);
        }
        finally
        {
            await pipeline.SaveOutputAsync("auto-delete-table");
        }
    }

    /// <summary>Distinct valid leads that the default routing rules send to one table.</summary>
    private static string Leads(string batch, int rows, string industry, string source)
    {
        var csv = new StringBuilder("email,first_name,last_name,company,domain,title,industry,source,country\n");
        for (var i = 0; i < rows; i++)
        {
            var company = string.Create(CultureInfo.InvariantCulture, $"acme-{batch}-{i}");
            csv.Append(CultureInfo.InvariantCulture, $"lead{i}@{company}.com,Ana{i},Lopez,Acme {i},{company}.com,VP Sales,{industry},{source},US\n");
        }

        return csv.ToString();
    }
}
