using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using ClayBus.ClaySim.Tests.Support;

namespace ClayBus.ClaySim.Tests.Ingest;

/// <summary>Every status code of <c>POST /v3/sources/webhook/{id}</c>, each rejection saying why.</summary>
public sealed class IngestEndpointSpecs() : ClaySimSpecs(new Dictionary<string, string?> { ["ClaySim:EnrichmentEnabled"] = "false" }), IAsyncLifetime
{
    private Webhook _hook = null!;

    public async Task InitializeAsync() => _hook = await Sim.CreateTableAsync("ingest-specs");

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Should_accept_one_object_and_an_array_of_objects()
    {
        var single = await Sim.SendAsync(_hook, """{"claybus_row_id":"r1","email":"a@example.com"}""");
        var array = await Sim.SendAsync(_hook, """[{"claybus_row_id":"r2"},{"claybus_row_id":"r3","nested":{"x":[1,2]}}]""");

        Assert.Equal(HttpStatusCode.OK, single.StatusCode);
        Assert.Equal(HttpStatusCode.OK, array.StatusCode);
        Assert.Equal(3, await Sim.CounterAsync("webhooks", _hook.Id, "recordsAccepted"));
    }

    [Theory]
    [InlineData(null, "needs its token")]
    [InlineData("wrong-token", "does not match")]
    public async Task Should_answer_401_for_a_missing_or_wrong_token(string? token, string why)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/v3/sources/webhook/{_hook.Id}", UriKind.Relative))
        {
            Content = new StringContent("{}", Encoding.UTF8, "application/json"),
        };
        if (token is not null)
        {
            request.Headers.Add("x-clay-webhook-auth", token);
        }

        var response = await Sim.Http.SendAsync(request);

        await AssertRejected(response, HttpStatusCode.Unauthorized, "unauthorized", why);
        Assert.Equal(0, await Sim.CounterAsync("webhooks", _hook.Id, "recordsAccepted"));
    }

    [Fact]
    public async Task Should_answer_401_to_the_old_token_after_rotation()
    {
        var rotated = await (await Sim.Http.PostAsync(new Uri($"/_sim/webhooks/{_hook.Id}/rotate-token", UriKind.Relative), null)).Content.ReadFromJsonAsync<JsonObject>();

        var old = await Sim.SendAsync(_hook, "{}");
        var fresh = await Sim.SendAsync(_hook, "{}", token: rotated!["token"]!.GetValue<string>());

        await AssertRejected(old, HttpStatusCode.Unauthorized, "unauthorized", "rotated");
        Assert.Equal(HttpStatusCode.OK, fresh.StatusCode);
    }

    [Fact]
    public async Task Should_accept_without_a_token_when_the_webhook_has_none()
    {
        var open = await Sim.AddWebhookAsync("ingest-specs", withToken: false);

        var response = await Sim.SendAsync(open, "{}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Should_answer_404_for_an_unknown_or_deleted_webhook()
    {
        var unknown = await Sim.SendAsync(_hook with { Id = "pull-in-data-from-a-webhook-" + Guid.NewGuid() }, "{}");
        (await Sim.Http.DeleteAsync(new Uri($"/_sim/webhooks/{_hook.Id}", UriKind.Relative))).EnsureSuccessStatusCode();
        var deleted = await Sim.SendAsync(_hook, "{}");

        await AssertRejected(unknown, HttpStatusCode.NotFound, "webhook_not_found", "no webhook");
        await AssertRejected(deleted, HttpStatusCode.NotFound, "webhook_not_found", "deleted");
    }

    [Fact]
    public async Task Should_answer_413_over_100_KB_by_Content_Length()
    {
        var response = await Sim.SendAsync(_hook, BodyOf(102_401));

        await AssertRejected(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large", "102400");
    }

    [Fact]
    public async Task Should_answer_413_for_a_chunked_body_over_100_KB()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/v3/sources/webhook/{_hook.Id}", UriKind.Relative))
        {
            Content = new ChunkedContent(Encoding.UTF8.GetBytes(BodyOf(150_000))),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add("x-clay-webhook-auth", _hook.Token);

        Assert.Null(request.Content.Headers.ContentLength);
        var response = await Sim.Http.SendAsync(request);

        // "over" is the message of the counting path: the Content-Length path names the exact size instead.
        await AssertRejected(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large", "is over 102400");
        Assert.Equal(0, await Sim.CounterAsync("webhooks", _hook.Id, "recordsAccepted"));
    }

    [Fact]
    public async Task Should_accept_a_body_of_exactly_100_KB()
    {
        var response = await Sim.SendAsync(_hook, BodyOf(102_400));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("{\"a\":", "malformed JSON")]
    [InlineData("[1,2]", "must be a JSON object")]
    [InlineData("\"text\"", "a string")]
    [InlineData("[{}, \"x\"]", "array element 1")]
    [InlineData("{} {}", "more than one JSON value")]
    [InlineData("", "empty")]
    public async Task Should_answer_422_for_malformed_JSON_or_the_wrong_shape(string body, string why)
    {
        var response = await Sim.SendAsync(_hook, body);

        await AssertRejected(response, HttpStatusCode.UnprocessableEntity, "unprocessable_body", why);
    }

    [Fact]
    public async Task Should_answer_422_for_the_wrong_content_type()
    {
        var response = await Sim.SendAsync(_hook, "{}", contentType: "text/plain");

        await AssertRejected(response, HttpStatusCode.UnprocessableEntity, "unsupported_content_type", "application/json");
    }

    [Fact]
    public async Task Should_answer_429_with_an_integer_Retry_After_and_store_nothing_when_the_bucket_lacks_tokens()
    {
        var first = await Sim.SendAsync(_hook, Records(15));
        var second = await Sim.SendAsync(_hook, Records(15));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        await AssertRejected(second, HttpStatusCode.TooManyRequests, "rate_limited", "nothing was stored");
        var retryAfter = int.Parse(second.Headers.GetValues("Retry-After").Single(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 2);
        Assert.Equal(15, await Sim.CounterAsync("webhooks", _hook.Id, "recordsAccepted"));
        Assert.Equal(1, await Sim.CounterAsync("totals", null, "responses429"));
    }

    [Fact]
    public async Task Should_answer_429_naming_the_fix_when_a_request_can_never_fit_the_bucket()
    {
        var response = await Sim.SendAsync(_hook, Records(21));

        await AssertRejected(response, HttpStatusCode.TooManyRequests, "rate_limited", "can never be admitted");
    }

    [Fact]
    public async Task Should_answer_403_over_the_cap_when_loud_cap_errors_are_on()
    {
        await Sim.ConfigureAsync(new { loudCapErrors = true, limitsEnabled = false });
        var capped = await Sim.AddWebhookAsync("ingest-specs", cap: 3);

        var fits = await Sim.SendAsync(capped, Records(2));
        var over = await Sim.SendAsync(capped, Records(2));

        Assert.Equal(HttpStatusCode.OK, fits.StatusCode);
        await AssertRejected(over, HttpStatusCode.Forbidden, "webhook_cap_reached", "lifetime cap of 3");
        Assert.Equal(2, await Sim.CounterAsync("webhooks", capped.Id, "recordsAccepted"));
    }

    [Fact]
    public async Task Should_answer_injected_server_errors_and_forced_429s_while_the_fault_lasts()
    {
        await Sim.FaultsAsync(new { serverErrorRate = 1.0, serverErrorStatuses = new[] { 503 } });
        var failed = await Sim.SendAsync(_hook, "{}");
        (await Sim.Http.DeleteAsync(new Uri("/_sim/faults", UriKind.Relative))).EnsureSuccessStatusCode();
        await Sim.FaultsAsync(new { force429 = true, force429RetryAfterSeconds = 7 });
        var storm = await Sim.SendAsync(_hook, "{}");
        (await Sim.Http.DeleteAsync(new Uri("/_sim/faults", UriKind.Relative))).EnsureSuccessStatusCode();
        var healed = await Sim.SendAsync(_hook, "{}");

        await AssertRejected(failed, HttpStatusCode.ServiceUnavailable, "injected_fault", "PUT /_sim/faults");
        await AssertRejected(storm, HttpStatusCode.TooManyRequests, "rate_limited", "429 storm");
        Assert.Equal("7", storm.Headers.GetValues("Retry-After").Single());
        Assert.Equal(HttpStatusCode.OK, healed.StatusCode);
    }

    [Fact]
    public async Task Should_refuse_a_fault_setting_out_of_range_naming_the_field()
    {
        var response = await Sim.Http.PutAsJsonAsync("/_sim/faults", new { serverErrorRate = 2.0 });

        await AssertRejected(response, HttpStatusCode.BadRequest, "invalid_faults", "serverErrorRate");
    }

    internal static string Records(int count) =>
        "[" + string.Join(",", Enumerable.Range(0, count).Select(i => $$"""{"claybus_row_id":"{{Guid.NewGuid()}}","n":{{i}}}""")) + "]";

    private static string BodyOf(int bytes)
    {
        const string head = "{\"claybus_row_id\":\"big\",\"pad\":\"";
        const string tail = "\"}";
        return head + new string('x', bytes - head.Length - tail.Length) + tail;
    }

    internal static async Task AssertRejected(HttpResponseMessage response, HttpStatusCode status, string error, string why)
    {
        Assert.Equal(status, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal(error, body!["error"]!.GetValue<string>());
        Assert.Contains(why, body["detail"]!.GetValue<string>(), StringComparison.Ordinal);
    }

    /// <summary>A body whose length is not known up front, so it goes out chunked with no Content-Length.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
