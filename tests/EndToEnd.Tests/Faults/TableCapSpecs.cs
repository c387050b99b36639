using System.Diagnostics;
using System.Globalization;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;
using Xunit.Abstractions;

namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>
/// A table capped at Clay (ClaySim's row cap) with a matching <c>Tables:&lt;key&gt;:MaxRows</c>: the Enrichers fill it
/// to MaxRows and no further (Clay drops nothing), publish <c>TableFull</c>, park its batches, and the other tables
/// deliver as fast as in a run where no table is full.
/// </summary>
[Trait("Category", "Integration")]
public sealed class TableCapSpecs(InfrastructureFixture infrastructure, ITestOutputHelper output) : IClassFixture<InfrastructureFixture>
{
    private const string Capped = "outbound-leads-tech";
    private const int MaxRows = 600;

    [Fact]
    public async Task Should_fill_a_table_to_MaxRows_publish_TableFull_and_keep_the_other_tables_rate()
    {
        var services = new Dictionary<string, string?>
        {
            [$"Tables__{Capped}__MaxRows"] = MaxRows.ToString(CultureInfo.InvariantCulture),
            ["Parking__RecheckSeconds"] = "2",
        };
        // Clay's own cap a little above ours: what passed MaxRows would be dropped and counted.
        var claySim = new Dictionary<string, string?> { ["ClaySim__Tables__0__RowCap"] = "650" };
        await using var pipeline = await Pipeline.StartAsync(infrastructure, Measure.Settings(services, claySim));
        try
        {
            await TableFullEvents.ObserveAsync(pipeline);
            var others = LeadFile.Routes.Select(r => r.Table).Where(t => t != Capped).ToList();

            // Every table takes 600 rows: the capped one exactly to MaxRows.
            var baseline = LeadFile.Create(2_400, batch: "cap-baseline", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
            var before = await OtherTablesRateAsync(pipeline, baseline, others, 0);
            await Measure.WaitForClayAsync(pipeline, baseline.ExpectedAccepted, TimeSpan.FromSeconds(60));
            Assert.Equal(MaxRows, await DistinctAsync(pipeline, Capped));

            // Now the capped table is full: its 600 new rows must wait while the other tables deliver theirs.
            var full = LeadFile.Create(2_400, batch: "cap-full", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
            var during = await OtherTablesRateAsync(pipeline, full, others, baseline.ExpectedPerTable[others[0]]);
            var expected = baseline.ExpectedAccepted + full.ExpectedAccepted - full.ExpectedPerTable[Capped];
            await Measure.WaitForClayAsync(pipeline, expected, TimeSpan.FromSeconds(30));

            var announced = await Eventually.Value(() => TableFullEvents.ReadAsync(pipeline), events => events.Count > 0, TimeSpan.FromSeconds(20), "TableFull");
            var totals = (await pipeline.CountersAsync()).GetProperty("totals");
            var figures = await Measure.FiguresAsync(pipeline, "table_cap", expected, duplicatesBound: 0);
            FaultLedger.RecordAndAssert(figures with { RowsDroppedOverTableCap = totals.GetProperty("droppedOverTableCap").GetInt64() });

            Assert.Equal(MaxRows, await DistinctAsync(pipeline, Capped));
            var tableFull = Assert.Single(announced);
            Assert.Equal(Capped, tableFull.GetProperty("message").GetProperty("tableKey").GetString());
            Assert.Contains("AutoDelete", tableFull.GetProperty("message").GetProperty("fix").GetString(), StringComparison.Ordinal);
            Assert.Equal(0, await Measure.DeadLettersAsync(pipeline));
            output.WriteLine($"other tables: {before:F1} rows/s without a full table, {during:F1} rows/s with one");
            Assert.True(during >= before * 0.9, $"the other tables delivered {during:F0} rows/s with a full table, {before:F0} rows/s without");
        }
        finally
        {
            await pipeline.SaveOutputAsync("table-cap");
        }
    }

    /// <summary>Submits the file and returns the other tables' delivery rate: their rows over the time until all are at Clay.</summary>
    private static async Task<double> OtherTablesRateAsync(Pipeline pipeline, LeadFile file, IReadOnlyList<string> others, int alreadyPerTable)
    {
        var rows = others.Sum(t => file.ExpectedPerTable[t]);
        var clock = Stopwatch.StartNew();
        await pipeline.SubmitCsvAsync(file.Csv);
        await Eventually.Until(
            async () =>
            {
                foreach (var table in others)
                {
                    if (await DistinctAsync(pipeline, table) < alreadyPerTable + file.ExpectedPerTable[table])
                    {
                        return false;
                    }
                }

                return true;
            },
            TimeSpan.FromSeconds(90),
            $"{rows} rows of the other tables at Clay",
            TimeSpan.FromMilliseconds(100));
        return rows / clock.Elapsed.TotalSeconds;
    }

    private static async Task<long> DistinctAsync(Pipeline pipeline, string table)
    {
        var counters = (await pipeline.CountersAsync()).GetProperty("tables");
        return counters.TryGetProperty(table, out var t) ? t.GetProperty("recordsAccepted").GetInt64() - t.GetProperty("duplicateRowIds").GetInt64() : 0;
    }
}
