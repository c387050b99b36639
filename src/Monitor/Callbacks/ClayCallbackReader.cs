using System.Diagnostics;
using System.Text.Json;
using ClayBus.Contracts.Tracking;

namespace ClayBus.Monitor.Callbacks;

/// <summary>
/// Reads Clay's callback body without ever throwing: every field is optional and typed leniently (numbers may come as
/// strings); what is missing, null or of the wrong type is ignored and noted. Only a body that is not one JSON object,
/// or has no usable <c>claybus_row_id</c>, is refused, because without a row nothing can be settled.
/// </summary>
public static class ClayCallbackReader
{
    public const int MaxRowIdLength = 200;

    // Beyond these the notes only repeat themselves; they are stored with the row.
    private const int MaxNotes = 16;
    private const int MaxProviders = 64;

    private static readonly JsonDocumentOptions Parsing = new() { MaxDepth = 256 };

    public static bool TryRead(ReadOnlyMemory<byte> body, out ClayCallback? callback, out string reason)
    {
        callback = null;
        // JsonDocument checks a string's UTF-8 only when it is read, and then throws outside JsonException.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            reason = "body: is not valid UTF-8";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body, Parsing);
            return TryRead(document.RootElement, out callback, out reason);
        }
        catch (JsonException exception)
        {
            reason = "malformed JSON: " + exception.Message;
            return false;
        }
        catch (Exception exception) when (exception is InvalidOperationException or FormatException or ArgumentException)
        {
            // A safety net only: every read below is guarded, and a refusal (400) is never worse than a 500.
            reason = "body: could not be read (" + exception.GetType().Name + ")";
            return false;
        }
    }

    private static bool TryRead(JsonElement root, out ClayCallback? callback, out string reason)
    {
        callback = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            reason = "body: must be one JSON object (one row per callback)";
            return false;
        }

        if (RowId(Field(root, "claybus_row_id")) is not { } rowId)
        {
            reason = $"claybus_row_id: is required, a string (or a number) of 1-{MaxRowIdLength} characters echoed from the record ClayBus sent";
            return false;
        }

        var notes = new Notes();
        var jobId = JobId(Field(root, "claybus_job_id"), notes);
        var provider = Provider(Field(root, "successful_provider"), notes);
        var status = Status(Field(root, "status"), provider, notes);
        var providers = Providers(Field(root, "providers"), notes);
        var charged = provider is not null || status == ClayCallback.Enriched;
        var credits = Field(root, "credits");
        if (credits.ValueKind is not (JsonValueKind.Object or JsonValueKind.Undefined or JsonValueKind.Null))
        {
            notes.Add("credits: not an object; ignored");
            credits = default;
        }

        var dataCredits = Amount(Field(credits, "data_credits"), "credits.data_credits", charged, notes);
        var actions = Amount(Field(credits, "actions"), "credits.actions", charged, notes);
        var wholeActions = actions is { } count ? WholeNumber(count, "credits.actions", notes) : null;
        var unknown = dataCredits is null || wholeActions is null;
        callback = new ClayCallback(
            rowId,
            jobId,
            status,
            provider,
            providers,
            dataCredits ?? 0,
            wholeActions ?? 0,
            Trace(Field(root, "claybus_trace")),
            unknown,
            notes.Items);
        reason = "";
        return true;
    }

    private static string? RowId(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String when Text(element) is { Length: > 0 and <= MaxRowIdLength } text => text,
        JsonValueKind.Number when element.GetRawText() is { Length: <= MaxRowIdLength } text => text,
        _ => null,
    };

    private static Guid? JobId(JsonElement element, Notes notes)
    {
        if (element.ValueKind == JsonValueKind.String && Guid.TryParse(Text(element), out var job))
        {
            return job;
        }

        notes.Add(element.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null
            ? "claybus_job_id: missing; taken from the row's delivery record"
            : "claybus_job_id: not a GUID; ignored, taken from the row's delivery record");
        return null;
    }

    private static string? Provider(JsonElement element, Notes notes)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Undefined or JsonValueKind.Null:
                return null;
            case JsonValueKind.String when Text(element) is { Length: > 0 and <= 200 } name:
                return name;
            default:
                notes.Add("successful_provider: not a provider name; ignored");
                return null;
        }
    }

    private static string Status(JsonElement element, string? provider, Notes notes)
    {
        var text = element.ValueKind == JsonValueKind.String ? Text(element)?.Trim().ToLowerInvariant() : null;
        if (text is ClayCallback.Enriched or ClayCallback.NoData or ClayCallback.Error)
        {
            return text;
        }

        var inferred = provider is null ? ClayCallback.NoData : ClayCallback.Enriched;
        notes.Add($"status: missing or unknown; {inferred} inferred from successful_provider");
        return inferred;
    }

    private static List<ProviderOutcome> Providers(JsonElement list, Notes notes)
    {
        var providers = new List<ProviderOutcome>();
        if (list.ValueKind != JsonValueKind.Array)
        {
            if (list.ValueKind is not (JsonValueKind.Undefined or JsonValueKind.Null))
            {
                notes.Add("providers: not an array; ignored");
            }

            return providers;
        }

        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            if (index++ == MaxProviders)
            {
                notes.Add($"providers: only the first {MaxProviders} read");
                break;
            }

            if (ProviderOutcome(item, $"providers[{index - 1}]", notes) is { } outcome)
            {
                providers.Add(outcome);
            }
        }

        return providers;
    }

    private static ProviderOutcome? ProviderOutcome(JsonElement item, string where, Notes notes)
    {
        var name = Field(item, "provider");
        var result = Field(item, "result");
        if (item.ValueKind != JsonValueKind.Object
            || name.ValueKind != JsonValueKind.String || Text(name) is not { Length: > 0 and <= 200 } provider
            || result.ValueKind != JsonValueKind.String || ProviderResultOf(Text(result)) is not { } outcome)
        {
            notes.Add($"{where}: needs \"provider\" and a known \"result\"; skipped");
            return null;
        }

        var credits = Number.Read(Field(item, "data_credits"));
        if (credits.Kind is not (NumberKind.Value or NumberKind.Missing) || credits.Amount < 0)
        {
            notes.Add($"{where}.data_credits: not a non-negative number; read as 0");
        }

        var latency = Number.Read(Field(item, "latency_ms"));
        int? milliseconds = latency.Kind == NumberKind.Value && latency.Amount is >= 0 and <= int.MaxValue ? (int)Math.Round(latency.Amount) : null;
        if (milliseconds is null && latency.Kind != NumberKind.Missing)
        {
            notes.Add($"{where}.latency_ms: not a non-negative number; ignored");
        }
        else if (milliseconds is null && Field(item, "latency_ms").ValueKind == JsonValueKind.Null)
        {
            notes.Add($"{where}.latency_ms: null; ignored");
        }

        return new ProviderOutcome(provider, outcome, credits.Kind == NumberKind.Value && credits.Amount >= 0 ? credits.Amount : 0, milliseconds);
    }

    /// <summary>
    /// An amount Clay charged. <c>null</c> when it cannot be read; missing reads as 0 only for a row nothing was
    /// charged for. Negative and out-of-range amounts are kept as they are, for the verdict to refuse.
    /// </summary>
    private static decimal? Amount(JsonElement element, string field, bool charged, Notes notes)
    {
        var number = Number.Read(element);
        switch (number.Kind)
        {
            case NumberKind.Value or NumberKind.OutOfRange:
                return number.Amount;
            case NumberKind.Missing when !charged:
                notes.Add($"{field}: missing; read as 0 (no provider charged)");
                return 0;
            case NumberKind.Missing:
                notes.Add($"{field}: missing for a charged row; credits unknown");
                return null;
            default:
                notes.Add($"{field}: not a number; credits unknown");
                return null;
        }
    }

    private static int? WholeNumber(decimal value, string field, Notes notes)
    {
        if (value != decimal.Truncate(value))
        {
            notes.Add($"{field}: not a whole number; credits unknown");
            return null;
        }

        return value > int.MaxValue ? int.MaxValue : value < int.MinValue ? int.MinValue : (int)value;
    }

    // Optional, and only a tracing aid: a missing or mangled trace never costs the row its outcome.
    private static ActivityContext? Trace(JsonElement element) =>
        element.ValueKind == JsonValueKind.String && ActivityContext.TryParse(Text(element), null, isRemote: true, out var context) ? context : null;

    private static ProviderResult? ProviderResultOf(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "hit" => ProviderResult.Hit,
        "no_data" => ProviderResult.NoData,
        "error" => ProviderResult.Error,
        "timeout" => ProviderResult.Timeout,
        "skipped" => ProviderResult.Skipped,
        _ => null,
    };

    /// <summary>The property, or an undefined element when it is absent or <paramref name="parent"/> is not an object.</summary>
    private static JsonElement Field(JsonElement parent, string name) =>
        parent.ValueKind == JsonValueKind.Object && parent.TryGetProperty(name, out var value) ? value : default;

    /// <summary>A string's text, or <c>null</c> when it holds an escaped lone surrogate (which GetString throws on).</summary>
    internal static string? Text(JsonElement element)
    {
        try
        {
            return element.GetString();
        }
        catch (InvalidOperationException)
        {
            return null;
        }
    }

    private sealed class Notes
    {
        private readonly List<string> _items = [];
        private int _dropped;

        public IReadOnlyList<string> Items => _dropped == 0 ? _items : [.. _items, $"… and {_dropped} more"];

        public void Add(string note)
        {
            if (_items.Count < MaxNotes)
            {
                _items.Add(note);
            }
            else
            {
                _dropped++;
            }
        }
    }
}
