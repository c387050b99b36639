using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace ClayBus.ClaySim.Ingest;

/// <summary>
/// Where one record sits in the request body, the hash of its <c>claybus_row_id</c> (if it has one) and of its
/// <c>claybus_job_id</c> (if it has one): hashes, so that ingest allocates nothing per record for them.
/// </summary>
internal readonly record struct RecordSlice(int Start, int Length, ulong RowHash, bool HasRowId, ulong JobHash = 0, bool HasJobId = false);

/// <summary>
/// Splits a webhook body into records without building objects: one JSON object, or an array of objects. Anything
/// else is Clay's 422, and the returned problem says what was wrong and where.
/// </summary>
internal static class RecordParser
{
    private static ReadOnlySpan<byte> RowIdProperty => "claybus_row_id"u8;

    private static ReadOnlySpan<byte> JobIdProperty => "claybus_job_id"u8;

    public static string? Parse(ReadOnlySpan<byte> body, List<RecordSlice> records)
    {
        if (!Utf8.IsValid(body))
        {
            return "the body is not valid UTF-8";
        }

        try
        {
            // Multiple values are allowed only so that "{} {}" gets its own message below rather than a reader error.
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64, AllowMultipleValues = true });
            if (body.Trim(" \t\r\n"u8).IsEmpty || !reader.Read())
            {
                return "the body is empty: send one JSON object or an array of objects";
            }

            if (reader.TokenType == JsonTokenType.StartObject)
            {
                records.Add(ReadRecord(ref reader, body));
            }
            else if (reader.TokenType == JsonTokenType.StartArray)
            {
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (reader.TokenType != JsonTokenType.StartObject)
                    {
                        return $"array element {records.Count} is {Describe(reader.TokenType)}: every element must be a JSON object (one record)";
                    }

                    records.Add(ReadRecord(ref reader, body));
                }
            }
            else
            {
                return $"the body is {Describe(reader.TokenType)}: send one JSON object or an array of objects";
            }

            // Reading past the value makes the reader reject trailing content ("{} {}", "[] x").
            return reader.Read() ? "the body holds more than one JSON value" : null;
        }
        catch (JsonException exception)
        {
            return "malformed JSON: " + exception.Message;
        }
    }

    private static RecordSlice ReadRecord(ref Utf8JsonReader reader, ReadOnlySpan<byte> body)
    {
        var start = (int)reader.TokenStartIndex;
        var depth = reader.CurrentDepth;
        ulong rowHash = 0;
        ulong jobHash = 0;
        var hasRowId = false;
        var hasJobId = false;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            var isRowId = reader.ValueTextEquals(RowIdProperty);
            var isJobId = !isRowId && reader.ValueTextEquals(JobIdProperty);
            reader.Read();
            if ((isRowId || isJobId) && reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
            {
                var hash = reader.ValueIsEscaped ? RowHash.Of(Encoding.UTF8.GetBytes(reader.GetString()!)) : RowHash.Of(reader.ValueSpan);
                (rowHash, hasRowId) = isRowId ? (hash, true) : (rowHash, hasRowId);
                (jobHash, hasJobId) = isJobId ? (hash, true) : (jobHash, hasJobId);
            }
            else
            {
                reader.Skip();
            }
        }

        var length = (int)reader.BytesConsumed - start;
        return new RecordSlice(start, length, hasRowId ? rowHash : RowHash.Of(body.Slice(start, length)), hasRowId, jobHash, hasJobId);
    }

    /// <summary>A record's <c>claybus_job_id</c> as text: read once per job, when ClaySim first sees it.</summary>
    public static string? JobId(ReadOnlySpan<byte> record)
    {
        var reader = new Utf8JsonReader(record);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        while (reader.Read() && reader.CurrentDepth > 0)
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == 1 && reader.ValueTextEquals(JobIdProperty))
            {
                reader.Read();
                return reader.TokenType == JsonTokenType.String ? reader.GetString() : Encoding.UTF8.GetString(reader.ValueSpan);
            }

            if (reader.TokenType == JsonTokenType.PropertyName)
            {
                reader.Read();
                reader.Skip();
            }
        }

        return null;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        JsonTokenType.StartArray => "an array",
        _ => token.ToString(),
    };
}

/// <summary>FNV-1a, 64 bits: a stable row hash for the duplicate sets and the per-row random stream.</summary>
internal static class RowHash
{
    public static ulong Of(ReadOnlySpan<byte> bytes)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in bytes)
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return hash;
    }
}
