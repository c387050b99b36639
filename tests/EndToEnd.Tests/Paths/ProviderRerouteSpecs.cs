using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.EndToEnd.Tests.Faults;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;
using Xunit.Abstractions;

namespace ClayBus.EndToEnd.Tests.Paths;

/// <summary>
/// Issue 20: a provider degrades at Clay, the Monitor's provider health marks it degraded, the Submitter routes the
/// table's new jobs to the variant whose waterfall leaves it out, and once the provider answers again the rows go
/// back to the original table — one run, counted per table at ClaySim. The variant comes from the services' own
/// appsettings (Monitor and Submitter), so a Monitor that does not know it fails here.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ProviderRerouteSpecs(InfrastructureFixture infrastructure, ITestOutputHelper output) : IClassFixture<InfrastructureFixture>
{
    private const string Table = "outbound-leads-tech";
    private const string Variant = "outbound-leads-tech-no-apollo";
    private const string Provider = "apollo";
    private const int RowsPerFile = 120;

    [Fact]
    public async Task Should_route_to_the_variant_while_a_provider_is_degraded_and_back_once_it_recovers()
    {
        // A short window so a few dozen callbacks judge the provider; no probe share, so every row of a rerouted
        // job goes to the variant and the per-table counts are exact. The other tables still call apollo, and
        // their outcomes are what see it recover.
        var services = new Dictionary<string, string?>
        {
            ["ProviderHealth__WindowSize"] = "20",
            ["ProviderHealth__MinimumSamples"] = "10",
            ["ProviderHealth__ProbeShare"] = "0",
        };
        await using var pipeline = await Pipeline.StartAsync(infrastructure, Measure.Settings(services));
        try
        {
            long expected = 0;
            var healthy = await SubmitAsync(pipeline, "reroute-healthy");
            await ClayTables.SettleAsync(pipeline, expected += healthy.ExpectedAccepted);
            Assert.Equal(Table, await ClayTables.DestinationAsync(pipeline, "reroute-probe-a"));

            // Apollo fails every call; this job was routed before anyone knew, so it still goes to the table.
            await pipeline.PutClaySimAsync("_sim/faults", new { providerOutage = new[] { Provider } });
            var failing = await SubmitAsync(pipeline, "reroute-failing");
            await ClayTables.SettleAsync(pipeline, expected += failing.ExpectedAccepted);
            await WaitForDestinationAsync(pipeline, Variant, "reroute-probe-b");
            var report = await ProvidersAsync(pipeline);
            Assert.Equal(Variant, report.GetProperty("routes").GetProperty(Table).GetString());

            var rerouted = await SubmitAsync(pipeline, "reroute-degraded");
            await ClayTables.SettleAsync(pipeline, expected += rerouted.ExpectedAccepted);

            // Apollo answers again: the next job still goes to the variant (routed at its start), and the other
            // tables' calls to apollo bring its window back above the recovery line.
            using (var cleared = await pipeline.ClaySimHttp.DeleteAsync(new Uri("_sim/faults", UriKind.Relative)))
            {
                cleared.EnsureSuccessStatusCode();
            }

            var recovering = await SubmitAsync(pipeline, "reroute-recovering");
            await ClayTables.SettleAsync(pipeline, expected += recovering.ExpectedAccepted);
            await WaitForDestinationAsync(pipeline, Table, "reroute-probe-c");

            var recovered = await SubmitAsync(pipeline, "reroute-recovered");
            await ClayTables.SettleAsync(pipeline, expected += recovered.ExpectedAccepted);

            // Ground truth: what each table received at Clay, row for row.
            var atTable = await ClayTables.DistinctAsync(pipeline, Table);
            var atVariant = await ClayTables.DistinctAsync(pipeline, Variant);
            output.WriteLine($"{Table}: {atTable} rows, {Variant}: {atVariant} rows");
            Assert.Equal(healthy.ExpectedPerTable[Table] + failing.ExpectedPerTable[Table] + recovered.ExpectedPerTable[Table], atTable);
            Assert.Equal(rerouted.ExpectedPerTable[Table] + recovering.ExpectedPerTable[Table], atVariant);
            foreach (var other in LeadFile.Routes.Skip(1).Select(r => r.Table))
            {
                Assert.Equal(5 * (RowsPerFile / LeadFile.Routes.Count), await ClayTables.DistinctAsync(pipeline, other));
            }

            var totals = (await pipeline.CountersAsync()).GetProperty("totals");
            Assert.Equal(expected, await pipeline.DistinctAtClayAsync());
            Assert.Equal(0, totals.GetProperty("duplicateRowIds").GetInt64());
            Assert.Equal(0, await Measure.DeadLettersAsync(pipeline));
            Assert.Equal(0, pipeline.UnexpectedExits);
            Assert.False((await ProvidersAsync(pipeline)).GetProperty("routes").TryGetProperty(Table, out _), "the table is still rerouted");
        }
        finally
        {
            await pipeline.SaveOutputAsync("provider-reroute");
        }
    }

    /// <summary>
    /// Submits a file and waits until the Monitor has every callback of it: provider health counts outcomes in the
    /// order the Monitor takes them, so a lagging Monitor would mix this job's outcomes with the next one's.
    /// </summary>
    private static async Task<LeadFile> SubmitAsync(Pipeline pipeline, string batch)
    {
        var file = LeadFile.Create(RowsPerFile, batch, duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        var jobId = (await pipeline.SubmitCsvAsync(file.Csv)).GetProperty("jobId").GetGuid();
        await pipeline.WaitForJobAsync(jobId, ClayTables.Deadline, "completed", "completedWithFailures");
        return file;
    }

    /// <summary>Waits until the Submitter routes a fresh row of the table to <paramref name="destination"/>.</summary>
    private static async Task WaitForDestinationAsync(Pipeline pipeline, string destination, string probeBatch)
    {
        try
        {
            await Eventually.Until(
                async () => await ClayTables.DestinationAsync(pipeline, probeBatch) == destination,
                ClayTables.Deadline,
                $"the Submitter to route {Table} rows to {destination}");
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}{Environment.NewLine}providers: {await ProvidersAsync(pipeline)}", timeout);
        }
    }

    private static async Task<JsonElement> ProvidersAsync(Pipeline pipeline) =>
        await pipeline.MonitorHttp.GetFromJsonAsync<JsonElement>("status/providers");
}
