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
