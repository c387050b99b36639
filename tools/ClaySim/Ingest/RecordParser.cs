using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace ClayBus.ClaySim.Ingest;

/// <summary>Where one record sits in the request body, and the hash of its <c>claybus_row_id</c> (if it has one).</summary>
internal readonly record struct RecordSlice(int Start, int Length, ulong RowHash, bool HasRowId);

/// <summary>
/// Splits a webhook body into records without building objects: one JSON object, or an array of objects. Anything
/// else is Clay's 422, and the returned problem says what was wrong and where.
/// </summary>
internal static class RecordParser
{
    private static ReadOnlySpan<byte> RowIdProperty => "claybus_row_id"u8;

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
        var hasRowId = false;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType != JsonTokenType.PropertyName)
            {
                continue;
            }

            var isRowId = reader.ValueTextEquals(RowIdProperty);
            reader.Read();
            if (isRowId && reader.TokenType is JsonTokenType.String or JsonTokenType.Number)
            {
                rowHash = reader.ValueIsEscaped ? RowHash.Of(Encoding.UTF8.GetBytes(reader.GetString()!)) : RowHash.Of(reader.ValueSpan);
                hasRowId = true;
            }
            else
            {
                reader.Skip();
            }
        }

        var length = (int)reader.BytesConsumed - start;
        return new RecordSlice(start, length, hasRowId ? rowHash : RowHash.Of(body.Slice(start, length)), hasRowId);
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
