using System.Net.Http.Json;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>
/// Webhooks with caps of 300 records: the Enrichers rotate before the cap, never let Clay drop a record over it, and
/// when every webhook of a table is spent the rows wait (not dropped, not dead-lettered) until a new webhook is added.
/// </summary>
[Trait("Category", "Integration")]
public sealed class WebhookCapSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private const int Cap = 300;

    [Fact]
    public async Task Should_rotate_before_the_cap_then_hold_rows_when_the_pool_is_spent_and_deliver_them_to_a_new_webhook()
    {
        var enricher = new Dictionary<string, string?>
        {
            ["Webhooks__WarnAt"] = "200",
            ["Webhooks__RotateAt"] = "250",
            ["Webhooks__HardCap"] = Cap.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Parking__RecheckSeconds"] = "2",
        };
        var claySim = new Dictionary<string, string?> { ["ClaySim__WebhookCap"] = Cap.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        await using var pipeline = await Pipeline.StartAsync(infrastructure, Measure.Settings(enricher, claySim));
        try
        {
            // 400 rows a table: more than one webhook holds, less than two.
            var first = LeadFile.Create(1_600, batch: "caps-rotation", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
            var firstJob = (await pipeline.SubmitCsvAsync(first.Csv)).GetProperty("jobId").GetGuid();
            await Measure.WaitForClayAsync(pipeline, first.ExpectedAccepted, TimeSpan.FromMinutes(2));
            await pipeline.WaitForJobAsync(firstJob, TimeSpan.FromMinutes(2), "completed", "completedWithFailures");
            Assert.Equal(first.ExpectedAccepted, await pipeline.DistinctAtClayAsync());
            await AssertEveryTableRotatedAsync(pipeline);

            // Another 400 a table: two webhooks used up to RotateAt (500) cannot hold 800, so the rest must wait.
            var second = LeadFile.Create(1_600, batch: "caps-exhaustion", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
            var secondJob = (await pipeline.SubmitCsvAsync(second.Csv)).GetProperty("jobId").GetGuid();
            var plateau = await PlateauAsync(pipeline);
            Assert.True(plateau < first.ExpectedAccepted + second.ExpectedAccepted, "every row went out although the pool was spent");
            Assert.Equal(0, await Measure.DeadLettersAsync(pipeline));

            // The Enrichers use every webhook up to RotateAt (250): two new ones per table hold the 800 rows a table needs.
            foreach (var (table, _) in second.ExpectedPerTable)
            {
                await pipeline.PostClaySimAsync($"_sim/tables/{table}/webhooks", new { cap = 50_000 });
                await pipeline.PostClaySimAsync($"_sim/tables/{table}/webhooks", new { cap = 50_000 });
            }

            await pipeline.ReadWebhooksAsync();
            await pipeline.RestartEnrichersAsync();
            var all = first.ExpectedAccepted + second.ExpectedAccepted;
            await Measure.WaitForClayAsync(pipeline, all, TimeSpan.FromMinutes(3));
            await pipeline.WaitForJobAsync(secondJob, TimeSpan.FromMinutes(3), "completed", "completedWithFailures");
            var totals = (await pipeline.CountersAsync()).GetProperty("totals");

            FaultLedger.RecordAndAssert(await Measure.FiguresAsync(pipeline, "webhook_caps_rotation_exhaustion", all, duplicatesBound: 0));
            Assert.Equal(0, totals.GetProperty("droppedOverCap").GetInt64());
            Assert.Equal(0, await Measure.DeadLettersAsync(pipeline));
        }
        finally
        {
            await pipeline.SaveOutputAsync("webhook-caps");
        }
    }

    private static async Task AssertEveryTableRotatedAsync(Pipeline pipeline)
    {
        var workspace = await pipeline.ClaySimHttp.GetFromJsonAsync<System.Text.Json.JsonElement>("_sim/workspace");
        foreach (var table in workspace.GetProperty("tables").EnumerateArray().Where(t => LeadFile.Routes.Any(r => r.Table == t.GetProperty("key").GetString())))
        {
            var used = table.GetProperty("webhooks").EnumerateArray().Select(w => w.GetProperty("recordsAccepted").GetInt64()).ToList();
            Assert.True(used.Count(n => n > 0) >= 2, $"{table.GetProperty("key")} did not rotate: {string.Join(", ", used)}");
            Assert.All(used, n => Assert.InRange(n, 0, Cap));
        }
    }

    /// <summary>Waits until Clay's count stops growing for five seconds: the pool is spent and the rest waits.</summary>
    private static async Task<long> PlateauAsync(Pipeline pipeline)
    {
        long last = -1;
        var stableSince = DateTime.UtcNow;
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (DateTime.UtcNow < deadline)
        {
            var now = await pipeline.DistinctAtClayAsync();
            if (now != last)
            {
                (last, stableSince) = (now, DateTime.UtcNow);
            }
            else if (DateTime.UtcNow - stableSince > TimeSpan.FromSeconds(5))
            {
                return now;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Clay's record count never settled (last {last})");
    }
}
