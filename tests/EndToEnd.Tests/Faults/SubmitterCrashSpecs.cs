using System.Net.Http.Headers;
using System.Text;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Faults;

[Trait("Category", "Integration")]
public sealed class SubmitterCrashSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    [Fact]
    public async Task Should_deliver_every_row_of_a_job_whose_submitter_was_killed_right_after_the_202()
    {
        await using var pipeline = await Pipeline.StartAsync(infrastructure, new PipelineSettings());
        var leads = LeadFile.Create(PipelineSettings.Rows(quick: 1_000, full: 2_000), batch: "submitter-after-202", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        try
        {
            var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();
            pipeline.KillSubmitter();

            await Measure.WaitForClayAsync(pipeline, leads.ExpectedAccepted, TimeSpan.FromMinutes(3));
            await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(3), "completed", "completedWithFailures");
            FaultLedger.RecordAndAssert(await Measure.FiguresAsync(pipeline, "submitter_kill_after_202", leads.ExpectedAccepted, duplicatesBound: 0));
        }
        finally
        {
            await pipeline.SaveOutputAsync("submitter-after-202");
        }
    }

    [Fact]
    public async Task Should_send_each_row_once_when_an_upload_cut_by_a_crash_is_retried_with_its_idempotency_key()
    {
        await using var pipeline = await Pipeline.StartAsync(infrastructure, new PipelineSettings());
        var leads = LeadFile.Create(PipelineSettings.Rows(quick: 3_000, full: 6_000), batch: "submitter-mid-upload", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
        const string key = "crm-export-2026-11-23";
        try
        {
            // A slow upload, so that the Submitter dies with half the file read. Under a key the upload is hashed whole
            // before any row is published (a different file under the key is a 409), so nothing went out yet.
            using var content = new SlowContent(Encoding.UTF8.GetBytes(leads.Csv));
            var upload = SlowUploadAsync(pipeline, content, key);
            await content.HalfSent.WaitAsync(TimeSpan.FromMinutes(2));
            pipeline.KillSubmitter();
            await Assert.ThrowsAnyAsync<Exception>(() => upload);
            await pipeline.StartSubmitterAsync();

            // As a client does: retry while the dead Submitter's hold on the key (Dedupe:RunningLeaseSeconds) runs out.
            var report = await Eventually.Value(
                async () => await TrySubmitAsync(pipeline, leads.Csv, key),
                answer => answer is not null,
                TimeSpan.FromMinutes(1),
                "the idempotency key to be free for the retry");
            var jobId = report!.Value.GetProperty("jobId").GetGuid();

            await Measure.WaitForClayAsync(pipeline, leads.ExpectedAccepted, TimeSpan.FromMinutes(3));
            await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(3), "completed", "completedWithFailures");
            FaultLedger.RecordAndAssert(await Measure.FiguresAsync(pipeline, "submitter_kill_mid_upload", leads.ExpectedAccepted, duplicatesBound: 0));
        }
        finally
        {
            await pipeline.SaveOutputAsync("submitter-mid-upload");
        }
    }

    private static async Task<System.Text.Json.JsonElement?> TrySubmitAsync(Pipeline pipeline, string csv, string key)
    {
        try
        {
            return await pipeline.SubmitCsvAsync(csv, key);
        }
        catch (InvalidOperationException refused) when (refused.Message.Contains("answered 409", StringComparison.Ordinal))
        {
            return null;
        }
    }

    private static async Task SlowUploadAsync(Pipeline pipeline, SlowContent content, string key)
    {
        using var response = await pipeline.SubmitterHttp.PostAsync($"jobs/csv?idempotencyKey={key}", content);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Sends 4 KB (about 40 rows) every 100 ms, so a 3,000-row file takes some 7 s to arrive.</summary>
    private sealed class SlowContent : HttpContent
    {
        private readonly byte[] _body;
        private readonly TaskCompletionSource _halfSent = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SlowContent(byte[] body)
        {
            _body = body;
            Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        }

        public Task HalfSent => _halfSent.Task;

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            for (var offset = 0; offset < _body.Length; offset += 4 * 1024)
            {
                await stream.WriteAsync(_body.AsMemory(offset, Math.Min(4 * 1024, _body.Length - offset)));
                await stream.FlushAsync();
                if (offset >= _body.Length / 2)
                {
                    _halfSent.TrySetResult();
                }

                await Task.Delay(100);
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = -1;
            return false;
        }
    }
}
