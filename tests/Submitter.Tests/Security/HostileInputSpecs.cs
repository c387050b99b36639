using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClayBus.Testing.Security;

namespace ClayBus.Submitter.Tests.Security;

/// <summary>
/// Oversized and deeply nested input on the Submitter's real Kestrel: a clear 4xx within a bounded time, nothing
/// published, and the service answers its probes afterwards.
/// </summary>
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
