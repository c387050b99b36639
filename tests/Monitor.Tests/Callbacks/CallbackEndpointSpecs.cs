using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Callbacks;
using ClayBus.Monitor.Lineage;
using ClayBus.Monitor.Tests.Integration;
using ClayBus.Monitor.Tests.Jobs;
using ClayBus.Testing;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ClayBus.Monitor.Tests.Callbacks;

/// <summary>The callback receiver over HTTP, with the real RabbitMQ and Redis behind it.</summary>
[Trait("Category", "Integration")]
public sealed class CallbackEndpointSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>, IAsyncLifetime
{
    private MonitorHost _monitor = null!;
    private EventRecorder _events = null!;

    public async Task InitializeAsync()
    {
        _monitor = await MonitorHost.StartAsync(infrastructure);
        _events = await EventRecorder.StartAsync(_monitor.Bus, (endpoint, keep) =>
        {
            endpoint.Handler<RowEnriched>(context => Task.Run(() => keep(context.Message)));
            endpoint.Handler<RowEnrichmentFailed>(context => Task.Run(() => keep(context.Message)));
        });
    }

    public async Task DisposeAsync()
    {
        await _events.DisposeAsync();
        await _monitor.DisposeAsync();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("wrong-secret-of-some-length")]
    [InlineData("test-only-callback-secret-")]
    public async Task Should_answer_401_without_a_current_secret(string? secret)
    {
        var response = await Callback.Send(_monitor.Client, "people", Callback.Body(NewId.NextGuid(), "r-1"), secret);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Should_accept_either_secret_during_a_rotation()
    {
        var response = await Callback.Send(_monitor.Client, "people", Callback.Body(NewId.NextGuid(), "r-rotation"), MonitorHost.RotatedSecret);

        Assert.True(response.IsSuccessStatusCode);
    }

    [Fact]
    public async Task Should_answer_400_with_the_reason_for_malformed_json()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/clay/callbacks/people", UriKind.Relative))
        {
            Content = new StringContent("{ \"claybus_row_id\": ", Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("x-claybus-callback-secret", MonitorHost.Secret);

        var response = await _monitor.Client.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("malformed JSON", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_413_for_a_huge_body()
    {
        var body = Callback.Body(NewId.NextGuid(), "r-huge");
        ((Dictionary<string, object?>)body)["padding"] = new string('x', 300 * 1024);

        var response = await Callback.Send(_monitor.Client, "people", body);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Should_count_duplicates_once_and_publish_the_row_event_once()
    {
        var job = new JobMessages(NewId.NextGuid(), rows: 2, rowsPerBatch: 2);
        await _monitor.Bus.Publish(job.Delivered(0));
        await Eventually.Until(async () => (await Lineage(job.RowIds[0])).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the delivery to reach lineage");

        var answers = new List<HttpStatusCode>();
        for (var i = 0; i < 3; i++)
        {
            answers.Add((await Callback.Send(_monitor.Client, job.Table, Callback.Body(job.JobId, job.RowIds[0]))).StatusCode);
        }

        Assert.All(answers, status => Assert.Equal(HttpStatusCode.OK, status));
        var row = await Eventually.Value(
            async () => await (await Lineage(job.RowIds[0])).Content.ReadFromJsonAsync<RowLineage>(),
            row => row!.Callbacks == 3,
            TimeSpan.FromSeconds(10),
            "three callbacks in lineage");
        Assert.Equal("enriched", row!.Outcome);
        Assert.Equal("…abc123", row.Webhook);
        var state = await _monitor.JobWhere(job.JobId, j => j.RowsEnriched == 1, "the saga to count the row");
        Assert.Equal(2.5m, state.CreditsSpent);
        Assert.Single(_events.Of<RowEnriched>(), e => e.RowId == job.RowIds[0]);
    }

    [Fact]
    public async Task Should_continue_the_delivery_trace_echoed_by_clay_in_the_callback_and_the_row_event()
    {
        var job = new JobMessages(NewId.NextGuid(), rows: 1, rowsPerBatch: 1);
        await _monitor.Bus.Publish(job.Delivered(0));
        await Eventually.Until(async () => (await Lineage(job.RowIds[0])).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(30), "the delivery to reach lineage");
        var delivery = new ActivityContext(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        var spans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is CallbackTracing.SourceName or "MassTransit",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = span =>
            {
                if (span.TraceId == delivery.TraceId)
                {
                    spans.Enqueue(span);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        var body = (Dictionary<string, object?>)Callback.Body(job.JobId, job.RowIds[0]);
        body["claybus_trace"] = $"00-{delivery.TraceId.ToHexString()}-{delivery.SpanId.ToHexString()}-01";

        var response = await Callback.Send(_monitor.Client, job.Table, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var callback = Assert.Single(spans, span => span.Source.Name == CallbackTracing.SourceName);
        Assert.Equal(delivery.SpanId, callback.ParentSpanId);
        Assert.Equal(job.RowIds[0], callback.GetTagItem("claybus.row_id"));
        // The RowEnriched publish is a child of the callback, so the saga's handling of it joins the same trace.
        Assert.Contains(spans, span => span.Source.Name == "MassTransit" && span.ParentSpanId == callback.SpanId);
    }

    [Fact]
    public async Task Should_park_a_callback_that_overtakes_its_delivery_and_settle_it_once_the_delivery_is_known()
    {
        var job = new JobMessages(NewId.NextGuid(), rows: 2, rowsPerBatch: 2);

        var early = await Callback.Send(_monitor.Client, job.Table, Callback.Body(job.JobId, job.RowIds[1], "no_data"));
        Assert.Equal(HttpStatusCode.Accepted, early.StatusCode);
        Assert.Null(await _monitor.Job(job.JobId));

        await _monitor.Bus.Publish(job.Delivered(0));

        var state = await _monitor.JobWhere(job.JobId, j => j.RowsFailed == 1, "the parked callback to be counted");
        Assert.Equal(2, state.RowsDelivered);
        await Eventually.Until(() => _events.Of<RowEnrichmentFailed>().Any(e => e.RowId == job.RowIds[1]), TimeSpan.FromSeconds(10), "RowEnrichmentFailed");
        Assert.Equal(RowFailureKind.NoData, _events.Of<RowEnrichmentFailed>().Single(e => e.RowId == job.RowIds[1]).Kind);
    }

    [Fact]
    public async Task Should_accept_an_unknown_row_without_counting_it_anywhere()
    {
        var jobId = NewId.NextGuid();

        var response = await Callback.Send(_monitor.Client, "people", Callback.Body(jobId, "never-sent"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Null(await _monitor.Job(jobId));
        Assert.DoesNotContain(_events.Of<RowEnriched>(), e => e.RowId == "never-sent");
    }

    [Fact]
    public async Task Should_log_an_unknown_row_at_information_once_per_row_without_the_secret()
    {
        var logs = new LogCapture();
        await using var monitor = await MonitorHost.StartAsync(infrastructure, services: s => s.AddSingleton(logs.Factory()));
        var jobId = NewId.NextGuid();

        foreach (var rowId in new[] { "wrong-column-1", "wrong-column-1", "wrong-column-2" })
        {
            Assert.Equal(HttpStatusCode.Accepted, (await Callback.Send(monitor.Client, "people", Callback.Body(jobId, rowId))).StatusCode);
        }

        var parked = logs.Entries.Where(e => e.Category == typeof(CallbackEndpoints).FullName && e.Message.Contains("parked", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, parked.Count);
        Assert.All(parked, e => Assert.Equal(LogLevel.Information, e.Level));
        Assert.Single(parked, e => e.Message.Contains("wrong-column-1", StringComparison.Ordinal) && e.Message.Contains(jobId.ToString(), StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Message.Contains(MonitorHost.Secret, StringComparison.Ordinal));
    }

    private Task<HttpResponseMessage> Lineage(string rowId) => _monitor.Client.GetAsync(new Uri($"/rows/{rowId}", UriKind.Relative));
}
