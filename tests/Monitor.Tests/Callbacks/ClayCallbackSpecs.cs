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
    [InlineData("\"r-1\"", "body: must be one JSON object")]
    [InlineData("""{ "claybus_job_id": "0b5e5e7e-4c4f-4c1a-9a57-1a1a1a1a1a1a", "status": "enriched" }""", "claybus_row_id")]
    [InlineData("""{ "claybus_row_id": null }""", "claybus_row_id")]
    [InlineData("""{ "claybus_row_id": "" }""", "claybus_row_id")]
    [InlineData("""{ "claybus_row_id": { "id": "r" } }""", "claybus_row_id")]
    [InlineData("""{ "claybus_row_id": ["r"] }""", "claybus_row_id")]
    [InlineData("""{ "claybus_row_id": "\ud800" }""", "claybus_row_id")]
    public void Should_refuse_only_a_body_without_an_object_or_a_usable_row_id_naming_the_field(string body, string expected)
    {
        Assert.False(ClayCallback.TryParse(Encoding.UTF8.GetBytes(body), out _, out var reason));
        Assert.StartsWith(expected, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_refuse_a_row_id_over_200_characters()
    {
        var body = $$"""{ "claybus_row_id": "{{new string('r', 201)}}" }""";

        Assert.False(ClayCallback.TryParse(Encoding.UTF8.GetBytes(body), out _, out var reason));
        Assert.StartsWith("claybus_row_id", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_read_a_numeric_row_id_as_its_text()
    {
        var callback = Read("""{ "claybus_row_id": 12345, "status": "no_data" }""");

        Assert.Equal("12345", callback.RowId);
    }

    [Theory]
    [InlineData("null")]
    [InlineData("\"1200\"")]
    [InlineData("\"soon\"")]
    [InlineData("-5")]
    [InlineData("[1]")]
    [InlineData("1e400")]
    public void Should_ignore_and_note_a_latency_that_is_null_or_odd(string latency)
    {
        var callback = Read(Valid.Replace("\"latency_ms\": 1200", $"\"latency_ms\": {latency}", StringComparison.Ordinal));

        Assert.Equal("clearbit", callback.Providers[0].Provider);
        Assert.Equal(2.5m, callback.DataCredits);
        Assert.False(callback.CreditsUnknown);
        if (latency == "\"1200\"")
        {
            Assert.Equal(1200, callback.Providers[0].LatencyMs);
        }
        else
        {
            Assert.Null(callback.Providers[0].LatencyMs);
            Assert.Contains(callback.Notes!, note => note.StartsWith("providers[0].latency_ms", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void Should_read_numbers_given_as_strings()
    {
        var callback = Read("""{ "claybus_row_id": "r", "status": "enriched", "successful_provider": "apollo", "credits": { "data_credits": "5", "actions": " 3 " } }""");

        Assert.Equal(5m, callback.DataCredits);
        Assert.Equal(3, callback.Actions);
        Assert.False(callback.CreditsUnknown);
    }

    [Fact]
    public void Should_leave_a_missing_job_to_the_delivery_record_and_note_it()
    {
        var callback = Read("""{ "claybus_row_id": "r", "claybus_job_id": 17, "status": "no_data" }""");

        Assert.Null(callback.JobId);
        Assert.Contains(callback.Notes!, note => note.StartsWith("claybus_job_id", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("""{ "claybus_row_id": "r", "successful_provider": "apollo", "credits": { "data_credits": 2, "actions": 2 } }""", "enriched")]
    [InlineData("""{ "claybus_row_id": "r", "status": "done" }""", "no_data")]
    [InlineData("""{ "claybus_row_id": "r", "status": 3, "successful_provider": 7 }""", "no_data")]
    [InlineData("""{ "claybus_row_id": "r", "status": " Enriched ", "successful_provider": "apollo", "credits": { "data_credits": 2, "actions": 2 } }""", "enriched")]
    public void Should_infer_a_missing_or_unknown_status_from_the_successful_provider(string body, string status)
    {
        Assert.Equal(status, Read(body).Status);
    }

    [Theory]
    [InlineData("""{ "claybus_row_id": "r", "status": "no_data" }""", false, "0")]
    [InlineData("""{ "claybus_row_id": "r", "status": "no_data", "credits": null }""", false, "0")]
    [InlineData("""{ "claybus_row_id": "r", "status": "enriched", "successful_provider": "apollo" }""", true, "0")]
    [InlineData("""{ "claybus_row_id": "r", "status": "enriched", "successful_provider": "apollo", "credits": { "data_credits": "lots", "actions": 2 } }""", true, "0")]
    [InlineData("""{ "claybus_row_id": "r", "status": "enriched", "successful_provider": "apollo", "credits": { "data_credits": 2, "actions": 2.5 } }""", true, "2")]
    [InlineData("""{ "claybus_row_id": "r", "status": "enriched", "successful_provider": "apollo", "credits": [2, 2] }""", true, "0")]
    [InlineData("""{ "claybus_row_id": "r", "status": "error", "credits": { "data_credits": -1, "actions": 1 } }""", false, "-1")]
    [InlineData("""{ "claybus_row_id": "r", "status": "error", "credits": { "data_credits": 1e400, "actions": 1 } }""", false, "79228162514264337593543950335")]
    public void Should_mark_credits_unknown_when_a_charged_row_has_no_readable_charge(string body, bool unknown, string credits)
    {
        var callback = Read(body);

        Assert.Equal(unknown, callback.CreditsUnknown);
        Assert.Equal(decimal.Parse(credits, System.Globalization.CultureInfo.InvariantCulture), callback.DataCredits);
    }

    [Fact]
    public void Should_skip_and_note_provider_entries_it_cannot_read()
    {
        var callback = Read("""
            { "claybus_row_id": "r", "status": "error",
              "providers": [ { "provider": "x", "result": "maybe" }, 3, null, { "provider": "y", "result": "timeout", "data_credits": "n/a" } ] }
            """);

        var provider = Assert.Single(callback.Providers);
        Assert.Equal(ProviderResult.Timeout, provider.Result);
        Assert.Equal(0, provider.DataCredits);
        Assert.Contains(callback.Notes!, note => note.StartsWith("providers[1]", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_bound_the_notes_of_a_body_full_of_odd_fields()
    {
        var providers = string.Join(", ", Enumerable.Repeat("{ \"provider\": 1 }", 500));

        var callback = Read($$"""{ "claybus_row_id": "r", "providers": [ {{providers}} ] }""");

        Assert.InRange(callback.Notes!.Count, 1, 17);
        Assert.StartsWith("…", callback.Notes![^1], StringComparison.Ordinal);
    }

    [Fact]
    public void Should_read_a_deeply_nested_echoed_field()
    {
        var nested = string.Concat(Enumerable.Repeat("{\"a\":", 200)) + "1" + new string('}', 200);

        var callback = Read($$"""{ "claybus_row_id": "r", "status": "no_data", "enriched": {{nested}} }""");

        Assert.Equal("r", callback.RowId);
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

    private static ClayCallback Read(string body)
    {
        Assert.True(ClayCallback.TryParse(Encoding.UTF8.GetBytes(body), out var callback, out var reason), reason);
        return callback!;
    }
}
