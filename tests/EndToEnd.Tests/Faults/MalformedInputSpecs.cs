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

    private readonly List<string> _failures = [];

    [Fact]
    public async Task Should_refuse_every_malformed_input_on_every_way_in_without_a_crash()
    {
        await using var pipeline = await Pipeline.StartAsync(infrastructure, new PipelineSettings { Enrichers = 1 });
        try
        {
            var serverErrors = new Dictionary<string, int>
            {
                ["POST /jobs"] = await PostAllAsync(pipeline.SubmitterHttp, "jobs", "application/json", MalformedInputs.Jobs(PerPath, seed: 1)),
                ["POST /jobs/csv"] = await PostAllAsync(pipeline.SubmitterHttp, "jobs/csv", "text/csv", MalformedInputs.Csvs(PerPath, seed: 2)),
                ["POST /clay/callbacks"] = await PostAllAsync(CallbackClient(pipeline), "clay/callbacks/inbound-leads", "application/json", MalformedInputs.Callbacks(PerPath, seed: 3)),
            };
            var published = await PublishRawAsync(pipeline, MalformedInputs.Jobs(PerPath, seed: 4));

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
    private async Task<int> PostAllAsync(HttpClient http, string path, string contentType, IEnumerable<byte[]> payloads)
    {
        var failures = 0;
        var index = 0;
        foreach (var payload in payloads)
        {
            index++;
            using var content = new ByteArrayContent(payload);
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            try
            {
                using var response = await http.PostAsync(path, content);
                if ((int)response.StatusCode >= 500)
                {
                    failures++;
                    _failures.Add($"{path} input {index} ({payload.Length} bytes): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
                }
            }
            catch (HttpRequestException exception)
            {
                failures++;
                _failures.Add($"{path} input {index} ({payload.Length} bytes): no answer, {exception.Message} {exception.InnerException?.Message}");
            }
        }

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
        foreach (var payload in payloads)
        {
            var body = new
            {
                properties = new { content_type = "application/json", delivery_mode = 2, message_id = Guid.NewGuid().ToString() },
                routing_key = "",
                payload = Convert.ToBase64String(payload),
                payload_encoding = "base64",
            };
            using var response = await rabbit.Management.PostAsJsonAsync($"exchanges/{rabbit.EscapedName}/submit-job/publish", body);
            response.EnsureSuccessStatusCode();
            routed += (await response.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("routed").GetBoolean() ? 1 : 0;
        }

        await Eventually.Until(async () => await rabbit.QueueDepthAsync("submit-job") == 0, TimeSpan.FromMinutes(2), "the Submitter to take every raw message");
        return routed;
    }
}
