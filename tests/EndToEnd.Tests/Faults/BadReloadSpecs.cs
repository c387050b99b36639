using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>
/// One bad webhook URL written into the Enrichers' mounted secret while a job runs: that table waits (parked, named
/// in readiness), the other tables deliver, nothing is dead-lettered; once the secret is fixed, the table delivers.
/// </summary>
// Every Enricher process reads the one secrets file under the build folder, so no other suite may run beside it.
[Trait("Category", "Integration")]
[Collection(SharedServers.Name)]
public sealed class BadReloadSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private const string Broken = "inbound-leads";

    [Fact]
    public async Task Should_park_the_table_a_bad_reload_broke_deliver_the_others_and_resume_once_fixed()
    {
        using var secret = MountedSecret.Create();
        var services = new Dictionary<string, string?> { ["Parking__RecheckSeconds"] = "2" };
        await using var pipeline = await Pipeline.StartAsync(infrastructure, Measure.Settings(services));
        try
        {
            secret.Write($$"""{ "Tables": { "{{Broken}}": { "Webhooks": [ { "Url": "htps//typo-in-the-secret" } ] } } }""");
            var leads = LeadFile.Create(2_000, batch: "bad-reload", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
            var job = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();

            foreach (var (table, rows) in leads.ExpectedPerTable.Where(t => t.Key != Broken))
            {
                await Eventually.Until(async () => await DistinctAsync(pipeline, table) >= rows, TimeSpan.FromSeconds(60), $"{rows} rows of {table} at Clay");
            }

            await Eventually.Until(
                async () => (await ReadinessAsync(pipeline)).All(ready => ready.Contains($"Tables:{Broken}:Webhooks:0:Url", StringComparison.Ordinal)),
                TimeSpan.FromSeconds(30),
                "every Enricher to name the broken key in readiness");
            // The watcher reloads within a second of the write, before the job's first batches: the table never sent.
            Assert.Equal(0, await DistinctAsync(pipeline, Broken));
            Assert.Equal(0, await Measure.DeadLettersAsync(pipeline));
            Assert.DoesNotContain(pipeline.Output, line => line.Line.Contains("typo-in-the-secret", StringComparison.Ordinal));

            secret.Write("{}");
            await Measure.WaitForClayAsync(pipeline, leads.ExpectedAccepted, TimeSpan.FromSeconds(60));
            await pipeline.WaitForJobAsync(job, TimeSpan.FromSeconds(60), "completed", "completedWithFailures");

            FaultLedger.RecordAndAssert(await Measure.FiguresAsync(pipeline, "bad_reload", leads.ExpectedAccepted, duplicatesBound: 0));
            Assert.Equal(leads.ExpectedPerTable[Broken], await DistinctAsync(pipeline, Broken));
            Assert.Equal(0, await Measure.DeadLettersAsync(pipeline));
        }
        finally
        {
            await pipeline.SaveOutputAsync("bad-reload");
        }
    }

    private static async Task<IReadOnlyList<string>> ReadinessAsync(Pipeline pipeline)
    {
        var answers = new List<string>();
        foreach (var enricher in pipeline.Enrichers)
        {
            using var http = new HttpClient { BaseAddress = enricher.BaseAddress, Timeout = TimeSpan.FromSeconds(5) };
            answers.Add(await http.GetStringAsync(new Uri("health/ready", UriKind.Relative)));
        }

        return answers;
    }

    private static async Task<long> DistinctAsync(Pipeline pipeline, string table)
    {
        var counters = (await pipeline.CountersAsync()).GetProperty("tables");
        return counters.TryGetProperty(table, out var t) ? t.GetProperty("recordsAccepted").GetInt64() - t.GetProperty("duplicateRowIds").GetInt64() : 0;
    }
}
