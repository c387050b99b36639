using System.Text.Json;

namespace ClayBus.Submitter.Ingest;

/// <summary>
/// Counts a JSON job's rows on the raw bytes, building none of them: a body of millions of tiny rows fits
/// <c>Ingest:MaxJsonBytes</c> but would cost far more memory as objects than as text, so the row limit is checked
/// before the body is deserialized.
/// </summary>
public static class JsonRowCount
{
    /// <summary>
    /// The items of the top-level <c>rows</c> array (named in any case, as the deserializer reads it; the last one
    /// counts when it is repeated), or at most <paramref name="stopAfter"/> + 1 when there are more. Null when the body
    /// has no such array or is not valid JSON: the deserializer then names the problem.
    /// </summary>
    public static int? Of(ReadOnlySpan<byte> json, int stopAfter)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = 64 });
        int? count = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isRows = string.Equals(reader.GetString(), "rows", StringComparison.OrdinalIgnoreCase);
                reader.Read();
                if (!isRows || reader.TokenType != JsonTokenType.StartArray)
                {
                    reader.Skip();
                    count = isRows ? null : count;
                    continue;
                }

                count = 0;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (++count > stopAfter)
                    {
                        return count;
                    }

                    reader.Skip();
                }
            }

            return count;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
