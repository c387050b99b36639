using System.Text.Json;

namespace ClayBus.Submitter.Ingest;

/// <summary>
/// Checks a JSON job's body as it streams past, building no row: the syntax, the shape (an object; <c>rows</c> an
/// array of objects; options of the right types), the row count against the limit, the options themselves, and
/// where the <c>rows</c> array starts so its rows can be read again afterwards. Fed chunk by chunk (the caller keeps
/// the bytes not consumed); property names match in any case and a repeated one counts last, as the deserializer
/// reads them. A problem throws <see cref="JsonBodyException"/> naming the JSON path.
/// </summary>
public sealed class JsonBodyScan(int maxRows)
{
    private JsonReaderState _state = new(new JsonReaderOptions { MaxDepth = 64 });
    private long _offset;
    private long _lines;
    private string? _property;
    private bool _inRows;
    private bool _started;

    public bool IsNull { get; private set; }

    /// <summary>Byte offset of the last top-level <c>rows</c> array's <c>[</c>; null when absent or null.</summary>
    public long? RowsAt { get; private set; }

    public int Rows { get; private set; }

    public bool TooManyRows => Rows > maxRows;

    public string? Table { get; private set; }

    public string? Priority { get; private set; }

    public string? IdempotencyKey { get; private set; }

    public string? Source { get; private set; }

    public bool DryRun { get; private set; }

    /// <returns>How many bytes of <paramref name="data"/> were consumed; keep the rest for the next call.</returns>
    public int Read(ReadOnlySpan<byte> data, bool isFinalBlock)
    {
        var reader = new Utf8JsonReader(data, isFinalBlock, _state);
        try
        {
            while (!TooManyRows && reader.Read())
            {
                Take(ref reader, data);
            }
        }
        catch (JsonException exception)
        {
            throw new JsonBodyException(Path(reader.CurrentDepth), _lines + (exception.LineNumber ?? 0), exception.Message);
        }

        var consumed = (int)reader.BytesConsumed;
        _lines += data[..consumed].Count((byte)'\n');
        _offset += consumed;
        _state = reader.CurrentState;
        return consumed;
    }

    private void Take(ref Utf8JsonReader reader, ReadOnlySpan<byte> data)
    {
        var depth = reader.CurrentDepth;
        var token = reader.TokenType;
        if (!_started)
        {
            _started = true;
            IsNull = token == JsonTokenType.Null;
            if (token is not (JsonTokenType.StartObject or JsonTokenType.Null))
            {
                throw Wrong(ref reader, data, "$", "an object such as {\"rows\":[…]}");
            }

            return;
        }

        if (depth == 1 && token == JsonTokenType.PropertyName)
        {
            _property = reader.GetString();
            return;
        }

        if (depth == 1 && _inRows && token == JsonTokenType.EndArray)
        {
            _inRows = false;
            return;
        }

        if (depth == 2 && _inRows && token is not (JsonTokenType.EndObject or JsonTokenType.PropertyName))
        {
            Rows++;
            if (token is not (JsonTokenType.StartObject or JsonTokenType.Null))
            {
                throw Wrong(ref reader, data, $"$.rows[{Rows - 1}]", "a row object such as {\"email\":\"ana@acme.com\"}");
            }

            return;
        }

        if (depth == 1 && token is not (JsonTokenType.EndObject or JsonTokenType.EndArray))
        {
            Option(ref reader, data);
        }
    }

    private void Option(ref Utf8JsonReader reader, ReadOnlySpan<byte> data)
    {
        var token = reader.TokenType;
        switch (_property?.ToLowerInvariant())
        {
            case "rows" when token == JsonTokenType.StartArray:
                (_inRows, Rows, RowsAt) = (true, 0, _offset + reader.TokenStartIndex);
                break;
            case "rows" when token == JsonTokenType.Null:
                (Rows, RowsAt) = (0, null);
                break;
            case "rows":
                throw Wrong(ref reader, data, "$.rows", "an array of row objects");
            case "dryrun" when token is JsonTokenType.True or JsonTokenType.False:
                DryRun = token == JsonTokenType.True;
                break;
            case "dryrun":
                throw Wrong(ref reader, data, "$.dryRun", "true or false");
            case "table" or "priority" or "idempotencykey" or "source" when token is JsonTokenType.String or JsonTokenType.Null:
                var text = token == JsonTokenType.Null ? null : reader.GetString();
                _ = _property!.ToLowerInvariant() switch
                {
                    "table" => Table = text,
                    "priority" => Priority = text,
                    "idempotencykey" => IdempotencyKey = text,
                    _ => Source = text,
                };
                break;
            case "table" or "priority" or "idempotencykey" or "source":
                throw Wrong(ref reader, data, "$." + _property, "a string");
            default:
                break;
        }
    }

    private JsonBodyException Wrong(ref Utf8JsonReader reader, ReadOnlySpan<byte> data, string path, string expected) =>
        new(path, _lines + data[..(int)reader.TokenStartIndex].Count((byte)'\n'), $"The JSON value could not be converted: expected {expected}.");

    private string Path(int depth) =>
        _inRows && depth >= 2 ? $"$.rows[{Math.Max(0, Rows - 1)}]"
        : _inRows ? "$.rows"
        : _property is { } name && depth >= 1 ? "$." + name
        : "body";
}

/// <summary>The JSON body cannot be read as a job: <see cref="Path"/> names where (<c>$.rows[3]</c>), line 0-based.</summary>
public sealed class JsonBodyException(string path, long line, string message) : Exception(message)
{
    public string Path { get; } = path;

    public long Line { get; } = line;
}
