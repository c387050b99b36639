using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.EndToEnd.Tests.Faults;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;
using ClayBus.Testing.Callbacks;
using Xunit.Abstractions;

namespace ClayBus.EndToEnd.Tests.Callbacks;

/// <summary>
/// Scenario <c>callback_fuzz</c> (issues 14 and 15): after a job's rows came back from ClaySim, a flood of fuzzed
/// callbacks (odd bodies, repeats, and forgeries of the job's real rows under another job, another table or an absurd
/// charge) hits the Monitor process. Never a 5xx; the job's figures and the Enricher's ledger still equal ClaySim's.
/// </summary>
[Trait("Category", "Integration")]
public sealed class CallbackFuzzSpecs(InfrastructureFixture infrastructure, ITestOutputHelper output) : IClassFixture<InfrastructureFixture>
{
    private const int Leads = 300;
    private const int Bodies = 1_200;
    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Should_never_answer_5xx_and_let_no_forged_callback_move_a_job_figure_or_a_credit()
    {
        await using var pipeline = await Pipeline.StartAsync(infrastructure, new PipelineSettings { Enrichers = 1 });
        try
        {
            await Run(pipeline);
        }
        finally
        {
            await pipeline.SaveOutputAsync("callback-fuzz");
        }
    }

    private async Task Run(Pipeline pipeline)
    {
        var leads = LeadFile.Create(Leads, batch: "callback-fuzz", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        var rows = await ClayRows.DryRunAsync(pipeline, leads.Csv);
        var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();
        await pipeline.WaitForJobAsync(jobId, Deadline, "completed", "completedWithFailures");
        await EveryCallbackSentAsync(pipeline, leads.ExpectedAccepted);
        var before = (await pipeline.JobAsync(jobId))!.Value;
        var clayBefore = (await pipeline.CountersAsync()).GetProperty("totals");

        var seed = int.TryParse(Environment.GetEnvironmentVariable("CLAYBUS_FUZZ_SEED"), CultureInfo.InvariantCulture, out var given) ? given : 15_14;
        var cases = new CallbackFuzz(seed).Generate(
            Bodies,
            [.. rows.Select(row => new FuzzRow(row.RowId, jobId, row.Table))],
            [Guid.NewGuid()],
            [.. LeadFile.Routes.Select(route => route.Table)]);
        var answers = await SendAllAsync(pipeline, cases);
        var callback5xx = answers.Values.Count(status => status >= 500);
        var unexpected = cases.Where(c => answers[c.Index] != c.Status).ToList();
        output.WriteLine($"seed {seed}: " + string.Join(", ", cases.GroupBy(c => c.Expect).Select(g => $"{g.Key} {g.Count()}")) + $"; {callback5xx} answered 5xx, {unexpected.Count} unexpected");

        // A barrier rather than a pause: a second job's rows go through the same consumers after the fuzz, so once its
        // callbacks are settled, anything the fuzz had published would have been settled too.
        var after = LeadFile.Create(20, batch: "callback-fuzz-after", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        var afterJob = (await pipeline.SubmitCsvAsync(after.Csv)).GetProperty("jobId").GetGuid();
        await pipeline.WaitForJobAsync(afterJob, Deadline, "completed", "completedWithFailures");
        await EveryCallbackSentAsync(pipeline, leads.ExpectedAccepted + after.ExpectedAccepted);
        var clay = (await pipeline.CountersAsync()).GetProperty("totals");
        var ledger = await Eventually.Value(
            () => LedgerAsync(pipeline),
            status => status.Reserved == 0,
            TimeSpan.FromSeconds(60),
            "every reservation to be settled");
        var job = (await pipeline.JobAsync(jobId))!.Value;

        // What forged callbacks moved: the job's figures (which ClaySim's counters fixed before the fuzz) and money.
        var movedRows = Math.Abs(Figure(job, "rowsEnriched") - Figure(before, "rowsEnriched")) + Math.Abs(Figure(job, "rowsFailed") - Figure(before, "rowsFailed"));
        var movedCredits = job.GetProperty("creditsSpent").GetDecimal() != before.GetProperty("creditsSpent").GetDecimal() ? 1 : 0;
        var ledgerDrift = Math.Abs(ledger.Spent - clay.GetProperty("dataCreditsCharged").GetDecimal());
        var jobDrift = Math.Abs(Figure(job, "rowsEnriched") - clayBefore.GetProperty("rowsEnriched").GetInt64())
            + Math.Abs(Figure(job, "rowsFailed") - clayBefore.GetProperty("rowsNoData").GetInt64() - clayBefore.GetProperty("rowsError").GetInt64());
        var refused = await pipeline.MonitorHttp.GetFromJsonAsync<JsonElement>(new Uri("status/callbacks", UriKind.Relative));
        output.WriteLine($"job moved {movedRows} rows, credits moved {movedCredits}; ledger {ledger.Spent} vs ClaySim {clay.GetProperty("dataCreditsCharged")}; refused {refused}");

        var figures = await Measure.FiguresAsync(pipeline, "callback_fuzz", leads.ExpectedAccepted + after.ExpectedAccepted, duplicatesBound: 0);
        FaultLedger.RecordAndAssert(figures with
        {
            Callback5xx = callback5xx,
            ForgedCallbacksSettled = movedRows + movedCredits + (ledgerDrift == 0 ? 0 : 1),
            LedgerDrift = ledgerDrift,
            JobDriftRows = jobDrift,
        });
        Assert.True(unexpected.Count == 0, $"seed {seed}: " + string.Join("; ", unexpected.Take(5).Select(c => $"#{c.Index} {c.Shape}: {answers[c.Index]}, expected {c.Status}")));
        Assert.Equal(cases.Count(c => c.Expect == FuzzExpect.ForgedOtherJob), refused.GetProperty("refused").TryGetProperty("forged_other_job", out var job1) ? job1.GetInt64() : 0);
        Assert.Equal(cases.Count(c => c.Expect == FuzzExpect.ForgedOtherTable), refused.GetProperty("refused").TryGetProperty("forged_other_table", out var table) ? table.GetInt64() : 0);
    }

    private static long Figure(JsonElement job, string name) => job.GetProperty(name).GetInt64();

    private static async Task EveryCallbackSentAsync(Pipeline pipeline, int rows) =>
        await Eventually.Until(
            async () => (await pipeline.CountersAsync()).GetProperty("totals").GetProperty("callbacksSent").GetInt32() >= rows,
            Deadline,
            $"ClaySim to call back {rows} rows");

    private static async Task<(decimal Spent, decimal Reserved)> LedgerAsync(Pipeline pipeline)
    {
        var budget = await pipeline.MonitorHttp.GetFromJsonAsync<JsonElement>(new Uri("status/budget", UriKind.Relative));
        var ledger = budget.GetProperty("ledger");
        return ledger.ValueKind == JsonValueKind.Object
            ? (ledger.GetProperty("spent").GetDecimal(), ledger.GetProperty("reserved").GetDecimal())
            : (-1, -1);
    }

    private static async Task<ConcurrentDictionary<int, int>> SendAllAsync(Pipeline pipeline, IReadOnlyList<FuzzCase> cases)
    {
        var answers = new ConcurrentDictionary<int, int>();
        using var http = new HttpClient { BaseAddress = pipeline.Monitor.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        await Parallel.ForEachAsync(cases, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (fuzz, cancellation) =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"clay/callbacks/{Uri.EscapeDataString(fuzz.Table)}", UriKind.Relative))
            {
                Content = new ByteArrayContent(fuzz.Body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } },
            };
            request.Headers.Add("x-claybus-callback-secret", pipeline.CallbackSecret);
            using var response = await http.SendAsync(request, cancellation);
            answers[fuzz.Index] = (int)response.StatusCode;
        });
        return answers;
    }
}
