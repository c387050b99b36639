using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>
/// Issue 14: the budget holds against what Clay actually charges, in both meters. Three Enrichers, limits the job
/// passes by half, providers billing above the table's estimate, store-then-fail on 10% of requests, a 429 storm and
/// forged callbacks; every figure is read off ClaySim's counters, never off our ledger alone.
/// </summary>
[Trait("Category", "Integration")]
public sealed class MoneySpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private static readonly string[] Tables = ["outbound-leads-tech", "outbound-leads-tech-no-apollo", "outbound-leads-finance", "inbound-leads", "event-attendees"];

    [Fact]
    public async Task Should_keep_both_meters_within_their_limits_and_the_ledger_equal_to_Clay_whatever_Clay_and_forgers_do()
    {
        var leads = LeadFile.Create(600, batch: "money", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        // ClaySim charges about 2.1 Data Credits and 2.9 Actions a row here: the job passes both limits by half.
        var creditLimit = decimal.Round(leads.ExpectedAccepted * 1.4m);
        var actionsLimit = leads.ExpectedAccepted * 2L;
        var extra = Estimates(1);
        extra["Budget__Actions__DailyLimit"] = actionsLimit.ToString(CultureInfo.InvariantCulture);
        await infrastructure.Redis.DeleteAllKeysAsync();
        await using var pipeline = await Pipeline.StartAsync(
            infrastructure, Measure.Settings(extra) with { Enrichers = 3, DailyCreditLimit = creditLimit, AmbiguousSendDeadlineSeconds = 20 });
        try
        {
            await AssertLedgerStartsEmptyAsync(pipeline);
            var rows = await ClayRows.DryRunAsync(pipeline, leads.Csv);
            // Every table's estimate is 1 credit a row: peopledatalabs (listed at 3) bills 4.5, within the worst case of 5.
            await pipeline.PutClaySimAsync("_sim/faults", new { storeThenFailRate = 0.1, providerPrices = new Dictionary<string, decimal> { ["peopledatalabs"] = 4.5m } });
            var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();
            var forged = await ForgeCallbacksAsync(pipeline, jobId, rows);
            await Eventually.Until(async () => await pipeline.DistinctAtClayAsync() >= 60, TimeSpan.FromMinutes(1), "delivery under way");
            await pipeline.PutClaySimAsync("_sim/faults", new { force429 = true, force429RetryAfterSeconds = 1, forSeconds = 5 });

            // The budget stops the job: once nothing moves and every callback landed, Clay's bill is within both limits.
            var stalled = await SettledAsync(pipeline, TimeSpan.FromSeconds(90), requireExhausted: true);
            var creditsOver = Math.Max(0, stalled.Credits - creditLimit);
            var actionsOver = Math.Max(0, stalled.Actions - actionsLimit);
            Assert.True(stalled.Distinct < leads.ExpectedAccepted, "the whole job fit the budget: the limits proved nothing");

            using var raise = await pipeline.MonitorHttp.PutAsJsonAsync("budget", new { dailyLimit = 1_000_000, actionsDailyLimit = 10_000_000 });
            Assert.True(raise.IsSuccessStatusCode, $"PUT /budget answered {(int)raise.StatusCode}: {await raise.Content.ReadAsStringAsync()}");
            await Measure.WaitForClayAsync(pipeline, leads.ExpectedAccepted, TimeSpan.FromMinutes(2));
            await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(2), "completed", "completedWithFailures");
            var end = await SettledAsync(pipeline, TimeSpan.FromMinutes(1), requireExhausted: false, requireBalanced: true);

            var totals = (await pipeline.CountersAsync()).GetProperty("totals");
            Assert.True(totals.GetProperty("requestsStoredThenFailed").GetInt64() > 0, "no send was ambiguous: store-then-fail proved nothing");
            var figures = await Measure.FiguresAsync(pipeline, "money_invariants", leads.ExpectedAccepted, duplicatesBound: 0);
            FaultLedger.RecordAndAssert(figures with
            {
                CreditsOverLimit = creditsOver,
                ActionsOverLimit = actionsOver,
                LedgerDrift = end.Drift,
                ForgedCallbacksSettled = forged.SettledBy(end.LedgerCredits - end.Credits),
            });
            Assert.All(forged.Answers, status => Assert.True((int)status is >= 200 and < 300, $"a forged callback was answered {(int)status}: Clay would retry it"));
        }
        finally
        {
            await pipeline.SaveOutputAsync("money-invariants");
        }
    }

    [Fact]
    public async Task Should_send_no_row_twice_when_Clay_stores_a_request_then_fails_it()
    {
        var leads = LeadFile.Create(600, batch: "ambiguous", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        await infrastructure.Redis.DeleteAllKeysAsync();
        await using var pipeline = await Pipeline.StartAsync(infrastructure, Measure.Settings() with { AmbiguousSendDeadlineSeconds = 20 });
        try
        {
            await AssertLedgerStartsEmptyAsync(pipeline);
            await pipeline.PutClaySimAsync("_sim/faults", new { storeThenFailRate = 0.3, storeThenFailModes = new[] { "5xx", "reset", "hang" } });
            var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();

            await Measure.WaitForClayAsync(pipeline, leads.ExpectedAccepted, TimeSpan.FromMinutes(2));
            await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(2), "completed", "completedWithFailures");
            var end = await SettledAsync(pipeline, TimeSpan.FromMinutes(1), requireExhausted: false, requireBalanced: true);
            var job = await pipeline.ClaySimHttp.GetFromJsonAsync<JsonElement>($"_sim/counters/jobs/{jobId}");
            var totals = (await pipeline.CountersAsync()).GetProperty("totals");

            Assert.True(totals.GetProperty("requestsStoredThenFailed").GetInt64() > 0, "no send was ambiguous");
            Assert.Equal(leads.ExpectedAccepted, job.GetProperty("distinctRows").GetInt64());
            // The bound (docs/enricher.md): rows of ambiguous sends none of whose callbacks came within the
            // deadline. ClaySim calls back within seconds here, against a deadline of 20 s: the bound is 0.
            var figures = await Measure.FiguresAsync(pipeline, "ambiguous_sends", leads.ExpectedAccepted, duplicatesBound: 0);
            FaultLedger.RecordAndAssert(figures with { LedgerDrift = end.Drift });
        }
        finally
        {
            await pipeline.SaveOutputAsync("ambiguous-sends");
        }
    }

    /// <summary>
    /// Both scenarios share the class's Redis prefix (each starts with it emptied) while each pipeline's ClaySim counts
    /// from zero: a ledger carried over from the other scenario would read as drift against this ClaySim's bill.
    /// </summary>
    private static async Task AssertLedgerStartsEmptyAsync(Pipeline pipeline)
    {
        var ledger = await Eventually.Value(
            async () => (await pipeline.MonitorHttp.GetFromJsonAsync<JsonElement>("status/budget")).GetProperty("ledger"),
            l => l.ValueKind == JsonValueKind.Object,
            TimeSpan.FromSeconds(30),
            "the ledger to answer GET /status/budget");
        var used = ledger.GetProperty("spent").GetDecimal() + ledger.GetProperty("reserved").GetDecimal()
            + ledger.GetProperty("actionsSpent").GetInt64() + ledger.GetProperty("actionsReserved").GetInt64();
        Assert.True(used == 0, $"the ledger did not start empty, so it cannot be compared with this ClaySim's bill: {ledger}");
    }

    /// <summary>The Submitter's estimate per row for every table (the Enricher reserves from its price list instead).</summary>
    private static Dictionary<string, string?> Estimates(decimal creditsPerRow) =>
        Tables.ToDictionary(t => $"Tables__{t}__CreditsPerRow", _ => (string?)creditsPerRow.ToString(CultureInfo.InvariantCulture));

    /// <summary>Clay's bill and our ledger once nothing moves: no record arriving, no row pending, nothing reserved.</summary>
    /// <param name="requireBalanced">
    /// Also wait for the ledger to equal Clay's bill: a late callback (Clay's retries, a parked one) lands after the
    /// figures stopped moving for a while. A drift that lasts past the deadline fails with the last reading.
    /// </param>
    private static async Task<Reading> SettledAsync(Pipeline pipeline, TimeSpan deadline, bool requireExhausted, bool requireBalanced = false)
    {
        Reading? last = null;
        var stableSince = DateTimeOffset.UtcNow;
        try
        {
            var settled = await Eventually.Value(
                async () =>
                {
                    var reading = await ReadAsync(pipeline);
                    if (reading != last)
                    {
                        (last, stableSince) = (reading, DateTimeOffset.UtcNow);
                    }

                    return (reading, stableSince);
                },
                r => r.reading is { Pending: 0, LedgerReserved: 0, LedgerActionsReserved: 0 } && (!requireExhausted || r.reading.Exhausted)
                    && (!requireBalanced || r.reading.Drift == 0)
                    && DateTimeOffset.UtcNow - r.stableSince >= TimeSpan.FromSeconds(5),
                deadline,
                "Clay's counters and the ledger to settle");
            return settled.reading;
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}; last reading: {last}", timeout);
        }
    }

    private static async Task<Reading> ReadAsync(Pipeline pipeline)
    {
        var counters = await pipeline.CountersAsync();
        var totals = counters.GetProperty("totals");
        var budget = await pipeline.MonitorHttp.GetFromJsonAsync<JsonElement>("status/budget");
        var ledger = budget.GetProperty("ledger");
        return new Reading(
            totals.GetProperty("recordsAccepted").GetInt64() - totals.GetProperty("duplicateRowIds").GetInt64(),
            counters.GetProperty("pendingEnrichment").GetInt64(),
            totals.GetProperty("dataCreditsCharged").GetDecimal(),
            totals.GetProperty("actionsCharged").GetInt64(),
            ledger.GetProperty("spent").GetDecimal(),
            ledger.GetProperty("reserved").GetDecimal(),
            ledger.GetProperty("actionsSpent").GetInt64(),
            ledger.GetProperty("actionsReserved").GetInt64(),
            ledger.GetProperty("exhausted").GetBoolean() || budget.GetProperty("state").GetString() == "exhausted");
    }

    /// <summary>
    /// Forged callbacks with the right secret, each with an amount of its own so a settled one shows in the ledger:
    /// another job's row, a row under another table, rows never sent, huge, negative and non-numeric credits.
    /// </summary>
    private static async Task<Forgeries> ForgeCallbacksAsync(Pipeline pipeline, Guid jobId, IReadOnlyList<RoutedRow> rows)
    {
        var answers = new List<System.Net.HttpStatusCode>();
        var amounts = new List<decimal>();
        async Task Forge(Guid job, RoutedRow row, object credits, decimal? amount)
        {
            answers.Add(await PostAsync(pipeline, job, row, credits));
            if (amount is { } a)
            {
                amounts.Add(a);
            }
        }

        var other = Tables.First(t => t != rows[^1].Table);
        await Forge(Guid.NewGuid(), rows[^1], 7_777m, 7_777m);
        await Forge(jobId, rows[^2] with { Table = Tables.First(t => t != rows[^2].Table) }, 6_666m, 6_666m);
        await Forge(jobId, new RoutedRow(other, Guid.NewGuid().ToString("N")), 5_555m, 5_555m);
        await Forge(jobId, new RoutedRow(other, Guid.NewGuid().ToString("N")), 5_555m, 5_555m);
        await Forge(Guid.NewGuid(), new RoutedRow(other, Guid.NewGuid().ToString("N")), 40_000m, 40_000m);
        await Forge(Guid.NewGuid(), rows[^3], -5m, -5m);
        await Forge(jobId, new RoutedRow(other, Guid.NewGuid().ToString("N")), "lots", null);
        return new Forgeries(answers, amounts);
    }

    private static async Task<System.Net.HttpStatusCode> PostAsync(Pipeline pipeline, Guid jobId, RoutedRow row, object credits)
    {
        using var http = new HttpClient { BaseAddress = pipeline.Monitor.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"clay/callbacks/{row.Table}", UriKind.Relative))
        {
            Content = JsonContent.Create(new Dictionary<string, object?>
            {
                ["claybus_row_id"] = row.RowId,
                ["claybus_job_id"] = jobId.ToString(),
                ["status"] = "enriched",
                ["successful_provider"] = "zoominfo",
                ["enriched"] = new Dictionary<string, string> { ["job_title"] = "CTO" },
                ["providers"] = new[] { new Dictionary<string, object> { ["provider"] = "zoominfo", ["result"] = "hit", ["data_credits"] = credits } },
                ["credits"] = new Dictionary<string, object> { ["data_credits"] = credits, ["actions"] = 2 },
            }),
        };
        request.Headers.Add("x-claybus-callback-secret", pipeline.CallbackSecret);
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private sealed record Reading(
        long Distinct, long Pending, decimal Credits, long Actions, decimal LedgerCredits, decimal LedgerReserved, long LedgerActions, long LedgerActionsReserved, bool Exhausted)
    {
        public decimal Drift => Math.Abs(LedgerCredits - Credits) + Math.Abs(LedgerActions - Actions);
    }

    private sealed record Forgeries(List<System.Net.HttpStatusCode> Answers, List<decimal> Amounts)
    {
        /// <summary>How many forged amounts the ledger's excess over Clay's bill is made of (largest first).</summary>
        public long SettledBy(decimal excess)
        {
            var settled = 0L;
            foreach (var amount in Amounts.OrderByDescending(a => Math.Abs(a)))
            {
                if (amount > 0 ? excess >= amount : excess <= amount)
                {
                    excess -= amount;
                    settled++;
                }
            }

            return settled;
        }
    }
}
