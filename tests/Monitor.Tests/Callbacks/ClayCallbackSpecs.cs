using System.Text;
using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Callbacks;

namespace ClayBus.Monitor.Tests.Callbacks;

public class ClayCallbackSpecs
{
    private const string Valid = """
        {
          "claybus_row_id": "r-1", "claybus_job_id": "0b5e5e7e-4c4f-4c1a-9a57-1a1a1a1a1a1a", "email": "ada@example.com",
          "status": "enriched", "successful_provider": "apollo", "enriched": { "job_title": "CTO" },
          "providers": [
            { "provider": "clearbit", "result": "no_data", "data_credits": 0, "latency_ms": 1200 },
            { "provider": "apollo", "result": "hit", "data_credits": 2.5, "latency_ms": 900 },
            { "provider": "hunter", "result": "skipped", "data_credits": 0 }
          ],
          "credits": { "data_credits": 2.5, "actions": 3 }
        }
        """;

    [Fact]
    public void Should_read_the_documented_body()
    {
        Assert.True(ClayCallback.TryParse(Encoding.UTF8.GetBytes(Valid), out var callback, out _));

        Assert.Equal("r-1", callback!.RowId);
        Assert.Equal("apollo", callback.SuccessfulProvider);
        Assert.Equal(2.5m, callback.DataCredits);
        Assert.Equal(3, callback.Actions);
        Assert.Equal(ProviderResult.Hit, callback.Providers[1].Result);
    }

    [Theory]
    [InlineData("\"00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\"", "4bf92f3577b34da6a3ce929d0e0e4736")]
    [InlineData("\"not a traceparent\"", null)]
    [InlineData("42", null)]
    public void Should_read_the_echoed_trace_and_take_the_row_without_it_when_it_is_mangled(string trace, string? traceId)
    {
        var body = Valid.Replace("\"email\"", $"\"claybus_trace\": {trace}, \"email\"", StringComparison.Ordinal);

        Assert.True(ClayCallback.TryParse(Encoding.UTF8.GetBytes(body), out var callback, out var reason), reason);

        Assert.Equal(traceId, callback!.Trace?.TraceId.ToHexString());
        Assert.Equal("r-1", callback.RowId);
    }

    [Theory]
    [InlineData("{ not json", "malformed JSON")]
    [InlineData("[]", "body: must be one JSON object")]
    [InlineData("""{ "claybus_job_id": "0b5e5e7e-4c4f-4c1a-9a57-1a1a1a1a1a1a", "status": "enriched" }""", "claybus_row_id")]
    [InlineData("""{ "claybus_row_id": "r", "claybus_job_id": "nope", "status": "enriched" }""", "claybus_job_id")]
    [InlineData("""{ "claybus_row_id": "r", "claybus_job_id": "0b5e5e7e-4c4f-4c1a-9a57-1a1a1a1a1a1a", "status": "done" }""", "status")]
    [InlineData("""{ "claybus_row_id": "r", "claybus_job_id": "0b5e5e7e-4c4f-4c1a-9a57-1a1a1a1a1a1a", "status": "error", "providers": [ { "provider": "x", "result": "maybe" } ] }""", "providers[0]")]
    [InlineData("""{ "claybus_row_id": "r", "claybus_job_id": "0b5e5e7e-4c4f-4c1a-9a57-1a1a1a1a1a1a", "status": "error", "credits": { "data_credits": -1 } }""", "credits")]
    public void Should_refuse_a_bad_body_naming_the_field(string body, string expected)
    {
        Assert.False(ClayCallback.TryParse(Encoding.UTF8.GetBytes(body), out _, out var reason));
        Assert.StartsWith(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_body_that_is_not_utf8_rather_than_throw()
    {
        // A row id with a lone 0xED byte: JSON-shaped, but no UTF-8 text (found by the end-to-end fuzz, once a 500).
        var body = Encoding.UTF8.GetBytes("{ \"claybus_row_id\": \"r?\", \"status\": \"enriched\" }");
        body[Array.IndexOf(body, (byte)'?')] = 0xED;

        Assert.False(ClayCallback.TryParse(body, out _, out var reason));
        Assert.Contains("UTF-8", reason, StringComparison.Ordinal);
    }
}
