using System.Net.Http.Headers;
using System.Net.Http.Json;
using ClayBus.EndToEnd.Tests.Harness;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>1,000 malformed inputs through each way in: every one refused with a 4xx, no process dies, and good input still works.</summary>
[Trait("Category", "Integration")]
public sealed class MalformedInputSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private const int PerPath = 1_000;

    private const int Senders = 4;

    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _failures = new();

    [Fact]
    public async Task Should_refuse_every_malformed_input_on_every_way_in_without_a_crash()
    {
        await using var pipeline = await Pipeline.StartAsync(infrastructure, new PipelineSettings { Enrichers = 1 });
        try
        {
            // The raw messages first: the Submitter retries some of them for 21 s, which the HTTP storm then overlaps.
            var published = await PublishRawAsync(pipeline, MalformedInputs.Jobs(PerPath, seed: 4));
            var serverErrors = new Dictionary<string, int>
            {
                ["POST /jobs"] = await PostAllAsync(pipeline.SubmitterHttp, "jobs", "application/json", MalformedInputs.Jobs(PerPath, seed: 1)),
                ["POST /jobs/csv"] = await PostAllAsync(pipeline.SubmitterHttp, "jobs/csv", "text/csv", MalformedInputs.Csvs(PerPath, seed: 2)),
                ["POST /clay/callbacks"] = await PostAllAsync(CallbackClient(pipeline), "clay/callbacks/inbound-leads", "application/json", MalformedInputs.Callbacks(PerPath, seed: 3)),
            };
            await Eventually.Until(async () => await pipeline.Infrastructure.Rabbit.QueueDepthAsync("submit-job") == 0, TimeSpan.FromMinutes(2), "the Submitter to take every raw message");

            // Good input still goes through each way in, after the storm.
            var leads = LeadFile.Create(200, batch: "after-fuzz", duplicateEvery: int.MaxValue, invalidEvery: int.MaxValue);
            var jobId = (await pipeline.SubmitCsvAsync(leads.Csv)).GetProperty("jobId").GetGuid();
            await pipeline.WaitForJobAsync(jobId, TimeSpan.FromMinutes(3), "completed", "completedWithFailures");
            await pipeline.Submitter.WaitReadyAsync();
            await pipeline.Monitor.WaitReadyAsync();

            var figures = await Measure.FiguresAsync(pipeline, "malformed_inputs", leads.ExpectedAccepted, duplicatesBound: 0, otherCrashes: serverErrors.Values.Sum());
            FaultLedger.Record(figures);
            Assert.All(serverErrors, path => Assert.True(path.Value == 0, $"{path.Key}: {path.Value} of {PerPath} malformed inputs got a 5xx or no answer: {string.Join(" | ", _failures.Take(5))}"));
            FaultLedger.RecordAndAssert(figures);
            Assert.Equal(PerPath, published);
        }
        finally
        {
            await pipeline.SaveOutputAsync("malformed-inputs");
        }
    }

    /// <returns>How many answers were 5xx (or no answer at all): each is a crash of that request.</returns>
    /// <remarks>A few at a time, as several upstream systems would send: each answer is judged alone.</remarks>
    private async Task<int> PostAllAsync(HttpClient http, string path, string contentType, IEnumerable<byte[]> payloads)
    {
        var failures = 0;
        await Parallel.ForEachAsync(payloads.Select((payload, index) => (Payload: payload, Index: index + 1)), new ParallelOptions { MaxDegreeOfParallelism = Senders }, async (input, cancellation) =>
        {
            var (payload, index) = input;
            using var content = new ByteArrayContent(payload);
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            string? failure = null;
            try
            {
                using var response = await http.PostAsync(path, content, cancellation);
                if ((int)response.StatusCode >= 500)
                {
                    failure = $"{path} input {index} ({payload.Length} bytes): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(cancellation)}";
                }
            }
            catch (HttpRequestException exception)
            {
                failure = $"{path} input {index} ({payload.Length} bytes): no answer, {exception.Message} {exception.InnerException?.Message}";
            }

            if (failure is not null)
            {
                Interlocked.Increment(ref failures);
                _failures.Enqueue(failure);
            }
        });

        return failures;
    }

    private static HttpClient CallbackClient(Pipeline pipeline)
    {
        var client = new HttpClient { BaseAddress = pipeline.Monitor.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Add("x-claybus-callback-secret", pipeline.CallbackSecret);
        return client;
    }

    /// <summary>Publishes through the management API, as a non-.NET upstream system would publish plain JSON.</summary>
    private static async Task<int> PublishRawAsync(Pipeline pipeline, IEnumerable<byte[]> payloads)
    {
        var rabbit = pipeline.Infrastructure.Rabbit;
        var routed = 0;
        await Parallel.ForEachAsync(payloads, new ParallelOptions { MaxDegreeOfParallelism = Senders }, async (payload, cancellation) =>
        {
            var body = new
            {
                properties = new { content_type = "application/json", delivery_mode = 2, message_id = Guid.NewGuid().ToString() },
                routing_key = "",
                payload = Convert.ToBase64String(payload),
                payload_encoding = "base64",
            };
            using var response = await rabbit.Management.PostAsJsonAsync($"exchanges/{rabbit.EscapedName}/submit-job/publish", body, cancellation);
            response.EnsureSuccessStatusCode();
            if ((await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>(cancellation)).GetProperty("routed").GetBoolean())
            {
                Interlocked.Increment(ref routed);
            }
        });

        return routed;
    }
}
