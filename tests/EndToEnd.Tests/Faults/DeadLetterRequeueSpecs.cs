using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>
/// Issue 15: a job whose batches were dead-lettered (its table's webhooks answered 404, which is poison) finishes
/// completedWithFailures; once the webhooks answer again its dead letters are requeued, once by a broker shovel
/// through the management API (what the UI's "Move messages" does) and once by <c>claybus dlq requeue</c>. The
/// job reopens and finishes again with figures equal to ClaySim's counters, row for row and credit for credit.
/// </summary>
[Trait("Category", "Integration")]
public sealed class DeadLetterRequeueSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private const string DeadLetters = "deliver-batch_error";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly string[] Finished = ["completed", "completedWithFailures"];

    [Fact]
    public async Task Should_reopen_a_finished_job_when_its_dead_letters_are_requeued_and_match_clay_row_for_row()
    {
        await using var pipeline = await Pipeline.StartAsync(infrastructure, Measure.Settings());
        var table = LeadFile.Routes[0].Table;
        try
        {
            var first = await DeadLetterAJobAsync(pipeline, table, "requeue-shovel");
            await ShovelAsync(pipeline);
            var firstJob = await WaitForRequeuedJobAsync(pipeline, first);
            var shovelDrift = await DriftAsync(pipeline, [firstJob]);

            var second = await DeadLetterAJobAsync(pipeline, table, "requeue-cli");
            await RequeueWithCliAsync(pipeline);
            var secondJob = await WaitForRequeuedJobAsync(pipeline, second);
            var drift = await DriftAsync(pipeline, [firstJob, secondJob]);

            var figures = await Measure.FiguresAsync(pipeline, "dead_letter_requeue", firstJob.Accepted + secondJob.Accepted, duplicatesBound: 0);
            FaultLedger.RecordAndAssert(figures with { JobDriftRows = shovelDrift.Rows + drift.Rows });
            Assert.Equal(0m, shovelDrift.Credits);
            Assert.Equal(0m, drift.Credits);
            // The management API's queue figures lag the broker by a few seconds.
            await Eventually.Until(async () => await Measure.DeadLettersAsync(pipeline) == 0, Deadline, "every dead letter to be moved back");
        }
        finally
        {
            await pipeline.SaveOutputAsync("dead-letter-requeue");
        }
    }

    /// <summary>Deletes the table's webhooks for a while, submits a job and waits until it finished with dead letters.</summary>
    private static async Task<Guid> DeadLetterAJobAsync(Pipeline pipeline, string table, string batch)
    {
        var workspace = await pipeline.ClaySimHttp.GetFromJsonAsync<JsonElement>("_sim/workspace");
        var webhooks = workspace.GetProperty("tables").EnumerateArray()
            .Single(t => t.GetProperty("key").GetString() == table)
            .GetProperty("webhooks").EnumerateArray()
            .Where(w => !w.GetProperty("deleted").GetBoolean())
            .Select(w => w.GetProperty("id").GetString()!)
            .ToList();
        const int Seconds = 15;
        var answersAgainAt = DateTimeOffset.UtcNow.AddSeconds(Seconds + 1);
        foreach (var webhook in webhooks)
        {
            using var deleted = await pipeline.ClaySimHttp.DeleteAsync(new Uri($"_sim/webhooks/{webhook}?forSeconds={Seconds}", UriKind.Relative));
            deleted.EnsureSuccessStatusCode();
        }

        var leads = LeadFile.Create(200, batch, duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();
        var job = await pipeline.WaitForJobAsync(jobId, Deadline, Finished);
        Assert.Equal("completedWithFailures", job.GetProperty("phase").GetString());
        Assert.Equal(leads.ExpectedPerTable[table], job.GetProperty("rowsDeadLettered").GetInt32());

        // ClaySim's time box: the webhooks answer again once it ends, as after an operator restored them.
        await Eventually.Until(() => DateTimeOffset.UtcNow >= answersAgainAt, TimeSpan.FromSeconds(Seconds + 5), "the deleted webhooks to answer again");
        await Eventually.Until(async () => await Measure.DeadLettersAsync(pipeline) > 0, Deadline, "the management API to show the dead letters");
        return jobId;
    }

    /// <summary>What the management UI's "Move messages" does: a dynamic shovel that deletes itself when done.</summary>
    private static async Task ShovelAsync(Pipeline pipeline)
    {
        var rabbit = pipeline.Infrastructure.Rabbit;
        var uri = "amqp:///" + rabbit.EscapedName;
        var shovel = new
        {
            value = new Dictionary<string, object>
            {
                ["src-protocol"] = "amqp091",
                ["src-uri"] = uri,
                ["src-queue"] = DeadLetters,
                ["dest-protocol"] = "amqp091",
                ["dest-uri"] = uri,
                ["dest-queue"] = "deliver-batch",
                ["src-delete-after"] = "queue-length",
                ["ack-mode"] = "on-confirm",
            },
        };
        using var created = await rabbit.Management.PutAsJsonAsync($"parameters/shovel/{rabbit.EscapedName}/Move%20from%20{DeadLetters}", shovel);
        created.EnsureSuccessStatusCode();
    }

    /// <summary><c>claybus dlq requeue</c>, run as a process from its build output as an operator types it.</summary>
    private static async Task RequeueWithCliAsync(Pipeline pipeline)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        var dll = Path.Combine(ServiceProcess.RepositoryRoot, "src", "Cli", "bin", configuration, "net10.0", "claybus.dll");
        var info = new ProcessStartInfo("dotnet", [dll, "dlq", "requeue", DeadLetters, "--rate", "100/s", "--canary", "0", "--monitor", pipeline.Monitor.BaseAddress.ToString().TrimEnd('/')])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.Environment["CLAYBUS_API_KEY"] = Pipeline.DevApiKey;
        using var cli = Process.Start(info) ?? throw new InvalidOperationException($"could not start {dll}");
        var output = cli.StandardOutput.ReadToEndAsync();
        var errors = cli.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Deadline);
        await cli.WaitForExitAsync(timeout.Token);
        Assert.True(cli.ExitCode == 0, $"claybus dlq requeue exited {cli.ExitCode}: {await output}{await errors}");
    }

    /// <summary>Waits until the job reopened and finished again with every row called back and none dead-lettered.</summary>
    private static async Task<JobFigures> WaitForRequeuedJobAsync(Pipeline pipeline, Guid jobId)
    {
        try
        {
            var job = await Eventually.Value(
                () => pipeline.JobAsync(jobId),
                status => status is { } s
                    && Finished.Contains(s.GetProperty("phase").GetString())
                    && s.GetProperty("reopens").GetInt32() > 0
                    && s.GetProperty("rowsDeadLettered").GetInt32() == 0
                    && s.GetProperty("rowsEnriched").GetInt32() + s.GetProperty("rowsFailed").GetInt32() == s.GetProperty("rowsAccepted").GetInt32(),
                Deadline,
                $"job {jobId} to reopen and finish again");
            var episodes = job!.Value.GetProperty("episodes").EnumerateArray().Select(e => e.GetProperty("phase").GetString()).ToList();
            Assert.Equal("completedWithFailures", episodes[0]);
            Assert.Contains("reopened", episodes);
            Assert.True(Finished.Contains(episodes[^1]), $"the last episode is {episodes[^1]}");
            return JobFigures.From(job.Value);
        }
        catch (TimeoutException timeout)
        {
            throw new TimeoutException($"{timeout.Message}{Environment.NewLine}job: {await pipeline.JobAsync(jobId)}{Environment.NewLine}claysim: {(await pipeline.CountersAsync()).GetProperty("totals")}", timeout);
        }
    }

    /// <summary>|the jobs' figures − ClaySim's| once Clay has called back every row it holds.</summary>
    private static async Task<(long Rows, decimal Credits)> DriftAsync(Pipeline pipeline, IReadOnlyList<JobFigures> jobs)
    {
        var totals = await Eventually.Value(
            async () => await pipeline.CountersAsync(),
            c => c.GetProperty("pendingEnrichment").GetInt32() == 0,
            Deadline,
            "ClaySim to finish enriching");
        var clay = totals.GetProperty("totals");
        var distinct = clay.GetProperty("recordsAccepted").GetInt64() - clay.GetProperty("duplicateRowIds").GetInt64();
        var failed = clay.GetProperty("rowsNoData").GetInt64() + clay.GetProperty("rowsError").GetInt64();
        var rows = Math.Abs(jobs.Sum(j => j.Delivered) - distinct)
            + Math.Abs(jobs.Sum(j => j.Enriched) - clay.GetProperty("rowsEnriched").GetInt64())
            + Math.Abs(jobs.Sum(j => j.Failed) - failed)
            + jobs.Sum(j => j.DeadLettered);
        var credits = Math.Abs(jobs.Sum(j => j.Credits) - clay.GetProperty("dataCreditsCharged").GetDecimal());
        Assert.True(rows == 0 && credits == 0, string.Create(CultureInfo.InvariantCulture, $"jobs {string.Join("; ", jobs)} against ClaySim {clay}"));
        return (rows, credits);
    }

    private sealed record JobFigures(int Accepted, long Delivered, long Enriched, long Failed, long DeadLettered, decimal Credits)
    {
        public static JobFigures From(JsonElement job) => new(
            job.GetProperty("rowsAccepted").GetInt32(),
            job.GetProperty("rowsDelivered").GetInt32(),
            job.GetProperty("rowsEnriched").GetInt32(),
            job.GetProperty("rowsFailed").GetInt32(),
            job.GetProperty("rowsDeadLettered").GetInt32(),
            job.GetProperty("creditsSpent").GetDecimal());
    }
}
