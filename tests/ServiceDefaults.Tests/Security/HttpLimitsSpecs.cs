using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ClayBus.ServiceDefaults.Tests.Security;

/// <summary>Kestrel's limits from <c>Security:Limits</c>: refused before any endpoint code pays for them.</summary>
public sealed class HttpLimitsSpecs
{
    private const string Key = "test-only-limits-reader-5b81";

    private static Dictionary<string, string?> Settings() =>
        SecuredWebHost.Key("reader", Key, 1000, "read")
            .Concat(new Dictionary<string, string?> { ["Security:Limits:MaxRequestBodyBytes"] = "65536" })
            .ToDictionary();

    [Fact]
    public async Task Should_answer_431_for_a_64_KB_header()
    {
        await using var host = await SecuredWebHost.StartAsync(Settings());
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/open", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("X-Padding", new string('a', 64 * 1024));

        using var response = await host.Client.SendAsync(request);
        using var after = await host.GetAsync("/open", key: null);

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
    }

    [Fact]
    public async Task Should_answer_413_for_a_body_over_the_limit_whether_its_length_is_declared_or_not()
    {
        await using var host = await SecuredWebHost.StartAsync(Settings());
        var body = new string('x', 1024 * 1024);

        using var declared = await Post(host, new StringContent(body, Encoding.UTF8, "text/plain"));
        using var chunked = await Post(host, new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))));
        using var small = await Post(host, new StringContent("small", Encoding.UTF8, "text/plain"));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Equal("5", await small.Content.ReadAsStringAsync());
    }

    private static async Task<HttpResponseMessage> Post(SecuredWebHost host, HttpContent content)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/echo", UriKind.Relative)) { Content = content };
        request.Headers.Add("X-Api-Key", Key);
        if (content is StreamContent)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        try
        {
            return await host.Client.SendAsync(request);
        }
        catch (HttpRequestException exception) when (exception.InnerException is IOException or SocketException)
        {
            throw new InvalidOperationException("the server closed the connection instead of answering 413", exception);
        }
    }
}
