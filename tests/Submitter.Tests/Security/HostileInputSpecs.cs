using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClayBus.Testing.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace ClayBus.Submitter.Tests.Security;

/// <summary>
/// Oversized, deeply nested and slow input on the Submitter's real Kestrel: a clear 4xx (or, for a client too slow to
/// read one, a closed connection) within a bounded time, nothing published, and the service answers its probes after.
/// </summary>
[Trait("Category", "Integration")]
public sealed class HostileInputSpecs(SecuredSubmitter submitter) : IClassFixture<SecuredSubmitter>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Should_answer_400_for_json_nested_ten_thousand_deep()
    {
        using var client = submitter.Client(TestKeys.Submitter);
        var nested = new string('[', 10_000) + new string(']', 10_000);
        using var content = new StringContent("{\"rows\": [{\"email\": \"ana@acme.com\", \"notes\": " + nested + "}]}", Encoding.UTF8, "application/json");

        using var response = await Timed(() => client.PostAsync(new Uri("jobs", UriKind.Relative), content));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("depth", problem.GetProperty("detail").GetString(), StringComparison.OrdinalIgnoreCase);
        await StillHealthy();
    }

    [Fact]
    public async Task Should_answer_431_for_a_64_KB_header()
    {
        using var client = submitter.Client(TestKeys.Reader);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("plan?monthlyLeads=1000", UriKind.Relative));
        request.Headers.TryAddWithoutValidation("X-Padding", new string('a', 64 * 1024));

        using var response = await Timed(() => client.SendAsync(request));

        Assert.Equal(HttpStatusCode.RequestHeaderFieldsTooLarge, response.StatusCode);
        await StillHealthy();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Should_answer_413_for_a_json_body_over_its_limit(bool lengthDeclared)
    {
        using var client = submitter.Client(TestKeys.Submitter);
        var rows = Enumerable.Range(0, 4_000).Select(i => new { email = $"lead{i}@acme-{i}.com", notes = new string('x', 40) });
        var bytes = JsonSerializer.SerializeToUtf8Bytes(new { rows });
        Assert.True(bytes.Length > SecuredSubmitter.MaxJsonBytes);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("jobs", UriKind.Relative))
        {
            Content = lengthDeclared ? new ByteArrayContent(bytes) : new StreamContent(new MemoryStream(bytes)),
        };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.TransferEncodingChunked = !lengthDeclared;
        // Wait for the go-ahead, so an early 413 is read as the answer rather than racing the upload into a broken pipe.
        request.Headers.ExpectContinue = true;

        using var response = await Timed(() => client.SendAsync(request));

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("Ingest:MaxJsonBytes", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await StillHealthy();
    }

    [Fact]
    public async Task Should_still_take_a_csv_larger_than_the_servers_default_body_limit()
    {
        // Kestrel refuses bodies over Security:Limits:MaxRequestBodyBytes (1 MB); the CSV upload raises its own to Ingest:MaxCsvBytes.
        using var client = submitter.Client(TestKeys.Submitter);
        var csv = Integration.Leads.Csv(30_000);
        Assert.True(Encoding.UTF8.GetByteCount(csv) > 2 * 1024 * 1024);
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");

        using var response = await client.PostAsync(new Uri("jobs/csv?dryRun=true", UriKind.Relative), content);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(30_000, report.GetProperty("rowsRead").GetInt32());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Should_answer_413_for_a_csv_over_its_byte_limit(bool lengthDeclared)
    {
        using var client = submitter.Client(TestKeys.Submitter);
        // Just over the limit: a client still writing a large remainder when the 413 comes can hit a closed connection
        // (broken pipe) before it reads the answer; a small one fits the socket buffers and Kestrel drains it.
        var csv = Encoding.UTF8.GetBytes(Integration.Leads.Csv(60_000));
        var bytes = csv[..(Array.IndexOf(csv, (byte)'\n', SecuredSubmitter.MaxCsvBytes + (16 * 1024)) + 1)];
        Assert.True(bytes.Length > SecuredSubmitter.MaxCsvBytes);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("jobs/csv?dryRun=true", UriKind.Relative))
        {
            Content = lengthDeclared ? new ByteArrayContent(bytes) : new StreamContent(new MemoryStream(bytes)),
        };
        request.Content.Headers.ContentType = new("text/csv");
        request.Headers.TransferEncodingChunked = !lengthDeclared;
        request.Headers.ExpectContinue = true;

        using var response = await Timed(() => client.SendAsync(request));
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        var detail = problem.GetProperty("detail").GetString();
        Assert.Contains("Ingest:MaxCsvBytes", detail, StringComparison.Ordinal);
        Assert.Contains("split it into several", detail, StringComparison.Ordinal);
        if (!lengthDeclared)
        {
            // Found only while streaming: the rows before the limit were read, and the report says how many.
            Assert.InRange(problem.GetProperty("report").GetProperty("rowsRead").GetInt32(), 1, 59_999);
        }

        await StillHealthy();
    }

    [Fact]
    public async Task Should_cut_off_a_client_that_sends_its_headers_one_byte_every_500_ms()
    {
        var request = Encoding.ASCII.GetBytes($"GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: {new string('a', 200)}\r\n\r\n");
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(submitter.BaseAddress.Host, submitter.BaseAddress.Port);
        var stream = tcp.GetStream();
        var clock = Stopwatch.StartNew();

        // Kestrel answers 408 and closes the connection, which ends the read. Sending all 250 bytes would take two minutes.
        var answer = ReadAnswerAsync(stream);
        var sent = 0;
        while (!answer.IsCompleted && sent < request.Length && clock.Elapsed < Bound)
        {
            try
            {
                await stream.WriteAsync(request.AsMemory(sent++, 1));
            }
            catch (IOException)
            {
                break;
            }

            await Task.WhenAny(answer, Task.Delay(500));
        }

        var text = await answer.WaitAsync(Bound);
        Assert.True(clock.Elapsed < Bound, $"the connection stayed open {clock.Elapsed}");
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(SecuredSubmitter.HeadersTimeoutSeconds - 0.5), $"cut off after {clock.Elapsed}, before Security:Limits:RequestHeadersTimeoutSeconds");
        Assert.True(sent < request.Length, "every byte was sent before the cut");
        Assert.StartsWith("HTTP/1.1 408", text, StringComparison.Ordinal);
        await StillHealthy();
    }

    [Fact]
    public async Task Should_cut_off_a_csv_upload_that_trickles_one_byte_every_500_ms()
    {
        var head = $"POST /jobs/csv?dryRun=true HTTP/1.1\r\nHost: 127.0.0.1\r\n{TestKeys.Header}: {TestKeys.Submitter}\r\nContent-Type: text/csv\r\nContent-Length: 10000\r\n\r\n";
        var body = Encoding.ASCII.GetBytes("email\n" + string.Concat(Enumerable.Range(1, 1_000).Select(row => $"l{row}@acme.com\n")));
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(submitter.BaseAddress.Host, submitter.BaseAddress.Port);
        var stream = tcp.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));
        var clock = Stopwatch.StartNew();

        var answer = ReadAnswerAsync(stream);
        var sent = 0;
        while (!answer.IsCompleted && clock.Elapsed < Bound)
        {
            try
            {
                await stream.WriteAsync(body.AsMemory(sent++, 1));
            }
            catch (IOException)
            {
                break;
            }

            await Task.WhenAny(answer, Task.Delay(500));
        }

        var text = await answer.WaitAsync(Bound);
        Assert.True(clock.Elapsed < Bound, $"the upload stayed open {clock.Elapsed}");
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(SecuredSubmitter.MinBodyGraceSeconds - 0.5), $"cut off after {clock.Elapsed}, within Ingest:MinBodyGraceSeconds");
        Assert.StartsWith("HTTP/1.1 408", text, StringComparison.Ordinal);
        Assert.Contains("Ingest:MinBodyBytesPerSecond", text, StringComparison.Ordinal);
        // Kestrel's own default (240 bytes/s after 5 s) would cut this client too: the rate in force must be the configured one.
        var rate = submitter.Services.GetRequiredService<IOptions<KestrelServerOptions>>().Value.Limits.MinRequestBodyDataRate;
        Assert.Equal(SecuredSubmitter.MinBodyBytesPerSecond, rate?.BytesPerSecond);
        Assert.Equal(TimeSpan.FromSeconds(SecuredSubmitter.MinBodyGraceSeconds), rate?.GracePeriod);
        await StillHealthy();
    }

    /// <summary>Everything the server sends until it closes the connection (empty when it closes without an answer).</summary>
    private static async Task<string> ReadAnswerAsync(Stream stream)
    {
        using var answer = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                answer.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
        }

        return Encoding.ASCII.GetString(answer.ToArray());
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
        using var client = submitter.Client(key: null);
        using var live = await client.GetAsync(new Uri("health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }
}
