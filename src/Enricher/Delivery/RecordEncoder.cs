using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using ClayBus.Contracts.Delivery;

namespace ClayBus.Enricher.Delivery;

/// <summary>
/// One row as the JSON object Clay receives: its fields plus <c>claybus_row_id</c>, <c>claybus_job_id</c> and, when the
/// delivery is traced, <c>claybus_trace</c>.
/// </summary>
public sealed record EncodedRecord(string RowId, byte[] Json);

/// <summary>
/// Turns a batch into HTTP request bodies: JSON arrays of at most <c>maxRecords</c> records and <c>maxBytes</c> bytes.
/// Clay's 100 KB limit and its per-workspace burst are both per request, and a request is all-or-nothing.
/// </summary>
public static class RecordEncoder
{
    public const string RowIdField = "claybus_row_id";
    public const string JobIdField = "claybus_job_id";

    /// <summary>
    /// The delivery's W3C <c>traceparent</c>. Clay echoes every field in its callback, so the Monitor continues this
    /// trace there: one trace from the upload to the row's outcome, across Clay's enrichment.
    /// </summary>
    public const string TraceField = "claybus_trace";

    /// <param name="delivery">The span the rows are delivered in; its trace travels with each row through Clay.</param>
    public static IReadOnlyList<IReadOnlyList<EncodedRecord>> Chunk(DeliverBatch batch, int maxRecords, int maxBytes, Activity? delivery = null)
    {
        var chunks = new List<IReadOnlyList<EncodedRecord>>();
        var current = new List<EncodedRecord>();
        var bytes = 2;
        var trace = delivery?.IdFormat == ActivityIdFormat.W3C ? delivery.Id : null;
        foreach (var row in batch.Rows)
        {
            var record = Encode(batch.JobId, row, trace);
            if (record.Json.Length + 2 > maxBytes)
            {
                throw new InvalidBatchException(
                    $"row {row.RowNumber} ({row.RowId}) is {record.Json.Length} bytes as a record: more than one request may carry ({maxBytes} bytes)");
            }

            if (current.Count > 0 && (current.Count >= maxRecords || bytes + 1 + record.Json.Length > maxBytes))
            {
                chunks.Add(current);
                current = [];
                bytes = 2;
            }

            bytes += record.Json.Length + (current.Count > 0 ? 1 : 0);
            current.Add(record);
        }

        if (current.Count > 0)
        {
            chunks.Add(current);
        }

        return chunks;
    }

    public static EncodedRecord Encode(Guid jobId, BatchRow row, string? trace = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in row.Fields)
            {
                if (name is RowIdField or JobIdField or TraceField)
                {
                    continue;
                }

                writer.WritePropertyName(name);
                value.WriteTo(writer);
            }

            writer.WriteString(RowIdField, row.RowId);
            writer.WriteString(JobIdField, jobId.ToString());
            if (trace is not null)
            {
                writer.WriteString(TraceField, trace);
            }

            writer.WriteEndObject();
        }

        return new EncodedRecord(row.RowId, buffer.WrittenSpan.ToArray());
    }

    /// <summary>The request body for <paramref name="records"/>: a JSON array.</summary>
    public static byte[] Body(IEnumerable<EncodedRecord> records)
    {
        var body = new ArrayBufferWriter<byte>(4096);
        body.Write("["u8);
        var first = true;
        foreach (var record in records)
        {
            if (!first)
            {
                body.Write(","u8);
            }

            body.Write(record.Json);
            first = false;
        }

        body.Write("]"u8);
        return body.WrittenSpan.ToArray();
    }
}
