using System.Diagnostics;
using System.Net;
using System.Text;
using ClayBus.Monitor.Tests.Status;

namespace ClayBus.Monitor.Tests.Security;

/// <summary>
/// Oversized and deeply nested input on the Monitor's real Kestrel: a clear 4xx within a bounded time, and the
/// service answers its probes afterwards.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HostileInputSpecs(MonitorFixture monitor) : IClassFixture<MonitorFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Should_answer_431_for_a_64_KB_header()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("status/budget", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("X-Padding", new string('a', 64 * 1024));

        var response = await Timed(() => monitor.Client.SendAsync(request));

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        await StillHealthy();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Should_answer_413_for_a_large_body_to_a_small_endpoint(bool lengthDeclared)
    {
        // Over Security:Limits:MaxRequestBodyBytes (1 MB): refused by Kestrel, whatever the endpoint would do with it.
        var bytes = Encoding.UTF8.GetBytes("{\"dailyLimit\": 5000, \"padding\": \"" + new string('x', 4 * 1024 * 1024) + "\"}");
        using var request = new HttpRequestMessage(HttpMethod.Put, new Uri("budget", UriKind.Relative))
        {
            Content = lengthDeclared ? new ByteArrayContent(bytes) : new StreamContent(new MemoryStream(bytes)),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = !lengthDeclared;
        // As a well-behaved client of a large upload does: wait for the server's go-ahead, so an early 413 is read as
        // the answer rather than racing the upload into a broken pipe.
        request.Headers.ExpectContinue = true;

        var response = await Timed(() => monitor.Client.SendAsync(request));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await StillHealthy();
    }

    [Fact]
    public async Task Should_answer_400_for_json_nested_ten_thousand_deep()
    {
        var nested = new string('[', 10_000) + new string(']', 10_000);
        using var budget = new StringContent("{\"dailyLimit\": " + nested + "}", Encoding.UTF8, "application/json");
        using var callback = new HttpRequestMessage(HttpMethod.Post, new Uri("clay/callbacks/people", UriKind.Relative))
        {
            Content = new StringContent("{\"claybus_row_id\": " + nested + "}", Encoding.UTF8, "application/json"),
        };
        callback.Headers.Add("x-claybus-callback-secret", "dev-only-callback-secret");

        var toBudget = await Timed(() => monitor.Client.PutAsync(new Uri("budget", UriKind.Relative), budget));
        var toCallback = await Timed(() => monitor.Client.SendAsync(callback));

        Assert.Equal(HttpStatusCode.BadRequest, toBudget.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, toCallback.StatusCode);
        await StillHealthy();
    }

    private static async Task<HttpResponseMessage> Timed(Func<Task<HttpResponseMessage>> send)
    {
        var clock = Stopwatch.StartNew();
        var response = await send();
        Assert.True(clock.Elapsed < Bound, $"the answer took {clock.Elapsed}, more than {Bound}");
        return response;
    }

    private async Task StillHealthy()
    {
        using var live = await monitor.Client.GetAsync(new Uri("health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
