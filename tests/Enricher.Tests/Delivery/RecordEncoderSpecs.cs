using System.Diagnostics;
using System.Text.Json;
using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Enricher.Delivery;

namespace ClayBus.Enricher.Tests.Delivery;

public sealed class RecordEncoderSpecs
{
    [Fact]
    public void Should_split_by_record_count_and_add_the_ids()
    {
        var batch = Batch(50, fieldBytes: 10);

        var chunks = RecordEncoder.Chunk(batch, maxRecords: 16, maxBytes: 90 * 1024);
        using var first = JsonDocument.Parse(RecordEncoder.Body(chunks[0]));

        Assert.Equal([16, 16, 16, 2], chunks.Select(c => c.Count));
        Assert.Equal(16, first.RootElement.GetArrayLength());
        Assert.Equal("row-0", first.RootElement[0].GetProperty("claybus_row_id").GetString());
        Assert.Equal(batch.JobId.ToString(), first.RootElement[0].GetProperty("claybus_job_id").GetString());
        Assert.Equal(new string('x', 10), first.RootElement[0].GetProperty("note").GetString());
    }

    [Fact]
    public void Should_carry_the_delivery_trace_in_every_record_only_when_the_delivery_is_traced()
    {
        var batch = Batch(3, fieldBytes: 10);
        using var delivery = new Activity("deliver batch").SetIdFormat(ActivityIdFormat.W3C).Start();

        var traced = RecordEncoder.Chunk(batch, maxRecords: 20, maxBytes: 90 * 1024, delivery);
        var untraced = RecordEncoder.Chunk(batch, maxRecords: 20, maxBytes: 90 * 1024);
        using var tracedBody = JsonDocument.Parse(RecordEncoder.Body(traced[0]));
        using var untracedBody = JsonDocument.Parse(RecordEncoder.Body(untraced[0]));

        Assert.All(tracedBody.RootElement.EnumerateArray(), record => Assert.Equal(delivery.Id, record.GetProperty("claybus_trace").GetString()));
        Assert.All(untracedBody.RootElement.EnumerateArray(), record => Assert.False(record.TryGetProperty("claybus_trace", out _)));
    }

    [Fact]
    public void Should_fit_the_fields_the_enricher_adds_within_what_the_submitter_reserves()
    {
        // The Submitter sizes batches with BatchingOptions.PerRowOverheadBytes (192) for what the Enricher adds; row ids
        // are 32 hex characters.
        var row = new BatchRow("0123456789abcdef0123456789abcdef", 1, new Dictionary<string, JsonElement> { ["email"] = JsonSerializer.SerializeToElement("a@b.co") });
        var bare = JsonSerializer.SerializeToUtf8Bytes(row.Fields).Length;
        using var delivery = new Activity("deliver batch").SetIdFormat(ActivityIdFormat.W3C).Start();

        var record = RecordEncoder.Encode(Guid.NewGuid(), row, delivery.Id);

        Assert.InRange(record.Json.Length - bare, 1, 192);
    }

    [Fact]
    public void Should_split_by_bytes_and_keep_every_body_under_the_limit()
    {
        var batch = Batch(50, fieldBytes: 8_000);

        var chunks = RecordEncoder.Chunk(batch, maxRecords: 20, maxBytes: 90 * 1024);

        Assert.All(chunks, chunk => Assert.InRange(RecordEncoder.Body(chunk).Length, 1, 90 * 1024));
        Assert.Equal(50, chunks.Sum(c => c.Count));
        Assert.True(chunks.Count >= 5);
    }

    [Fact]
    public void Should_refuse_a_row_too_large_for_any_request()
    {
        var batch = Batch(1, fieldBytes: 100_000);

        var invalid = Assert.Throws<InvalidBatchException>(() => RecordEncoder.Chunk(batch, 20, 90 * 1024));

        Assert.Contains("row 1", invalid.Message, StringComparison.Ordinal);
    }

    private static DeliverBatch Batch(int rows, int fieldBytes) => new(
        Guid.NewGuid(),
        Guid.NewGuid(),
        "inbound-leads",
        JobPriority.Normal,
        [.. Enumerable.Range(0, rows).Select(i => new BatchRow(
            $"row-{i}",
            i + 1,
            new Dictionary<string, JsonElement>
            {
                ["email"] = JsonSerializer.SerializeToElement($"lead{i}@example.com"),
                ["note"] = JsonSerializer.SerializeToElement(new string('x', fieldBytes)),
            }))],
        rows * 6m,
        DateTimeOffset.UtcNow);
}
