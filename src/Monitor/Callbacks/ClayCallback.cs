using System.Diagnostics;
using System.Text.Json;
using ClayBus.Contracts.Tracking;

namespace ClayBus.Monitor.Callbacks;

/// <summary>
/// One row as Clay's HTTP API column reports it (docs/clay-interfaces.md §1). <see cref="Trace"/> is the delivery's
/// trace echoed in <c>claybus_trace</c>, when the column sends it back and it is a valid W3C traceparent.
/// </summary>
public sealed record ClayCallback(
    string RowId,
    Guid JobId,
    string Status,
    string? SuccessfulProvider,
    IReadOnlyList<ProviderOutcome> Providers,
    decimal DataCredits,
    int Actions,
    ActivityContext? Trace = null)
{
    public const string Enriched = "enriched";
    public const string NoData = "no_data";
    public const string Error = "error";

    /// <summary>Reads a callback body; on failure the reason names the field and what it must be.</summary>
    public static bool TryParse(ReadOnlyMemory<byte> body, out ClayCallback? callback, out string reason)
    {
        callback = null;
        // JsonDocument checks a string's UTF-8 only when it is read, and then throws outside JsonException.
        if (!System.Text.Unicode.Utf8.IsValid(body.Span))
        {
            reason = "the body is not valid UTF-8";
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            return TryRead(document.RootElement, out callback, out reason);
        }
        catch (JsonException exception)
        {
            reason = "malformed JSON: " + exception.Message;
            return false;
        }
        catch (FormatException exception)
        {
            reason = "malformed JSON: " + exception.Message;
            return false;
        }
    }

    private static bool TryRead(JsonElement root, out ClayCallback? callback, out string reason)
    {
        callback = null;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Fail("body: must be one JSON object (one row per callback)", out reason);
        }

        if (!root.TryGetProperty("claybus_row_id", out var rowId) || rowId.ValueKind != JsonValueKind.String || rowId.GetString() is not { Length: > 0 and <= 200 } row)
        {
            return Fail("claybus_row_id: is required, a string of 1-200 characters echoed from the record ClayBus sent", out reason);
        }

        if (!root.TryGetProperty("claybus_job_id", out var jobId) || jobId.ValueKind != JsonValueKind.String || !Guid.TryParse(jobId.GetString(), out var job))
        {
            return Fail("claybus_job_id: is required, the job's GUID echoed from the record ClayBus sent", out reason);
        }

        if (!root.TryGetProperty("status", out var statusElement) || statusElement.GetString() is not (Enriched or NoData or Error) || statusElement.GetString() is not { } status)
        {
            return Fail("status: must be \"enriched\", \"no_data\" or \"error\"", out reason);
        }

        var provider = root.TryGetProperty("successful_provider", out var p) && p.ValueKind == JsonValueKind.String ? p.GetString() : null;
        var providers = new List<ProviderOutcome>();
        if (root.TryGetProperty("providers", out var list) && list.ValueKind != JsonValueKind.Null)
        {
            if (list.ValueKind != JsonValueKind.Array)
            {
                return Fail("providers: must be an array of { provider, result, data_credits, latency_ms }", out reason);
            }

            var index = 0;
            foreach (var item in list.EnumerateArray())
            {
                if (!TryReadProvider(item, out var outcome))
                {
                    return Fail($"providers[{index}]: needs \"provider\" (string), \"result\" (hit, no_data, error, timeout, skipped) and a non-negative \"data_credits\"", out reason);
                }

                providers.Add(outcome!);
                index++;
            }
        }

        decimal credits = 0;
        var actions = 0;
        if (root.TryGetProperty("credits", out var spent) && spent.ValueKind == JsonValueKind.Object)
        {
            if ((spent.TryGetProperty("data_credits", out var dc) && (!dc.TryGetDecimal(out credits) || credits < 0))
                || (spent.TryGetProperty("actions", out var ac) && (!ac.TryGetInt32(out actions) || actions < 0)))
            {
                return Fail("credits: \"data_credits\" and \"actions\" must be non-negative numbers", out reason);
            }
        }

        // Optional, and only a tracing aid: a missing or mangled trace never costs the row its outcome.
        ActivityContext? trace = root.TryGetProperty("claybus_trace", out var traceElement)
            && traceElement.ValueKind == JsonValueKind.String
            && ActivityContext.TryParse(traceElement.GetString(), null, isRemote: true, out var context)
                ? context
                : null;
        callback = new ClayCallback(row, job, status, provider, providers, credits, actions, trace);
        reason = "";
        return true;
    }

    private static bool TryReadProvider(JsonElement item, out ProviderOutcome? outcome)
    {
        outcome = null;
        if (item.ValueKind != JsonValueKind.Object
            || !item.TryGetProperty("provider", out var name) || name.GetString() is not { Length: > 0 } provider
            || !item.TryGetProperty("result", out var resultElement) || !TryResult(resultElement.GetString(), out var result))
        {
            return false;
        }

        decimal credits = 0;
        if (item.TryGetProperty("data_credits", out var dc) && (!dc.TryGetDecimal(out credits) || credits < 0))
        {
            return false;
        }

        int? latency = item.TryGetProperty("latency_ms", out var l) && l.TryGetInt32(out var ms) ? ms : null;
        outcome = new ProviderOutcome(provider, result, credits, latency);
        return true;
    }

    private static bool TryResult(string? text, out ProviderResult result)
    {
        result = text switch
        {
            "hit" => ProviderResult.Hit,
            "no_data" => ProviderResult.NoData,
            "error" => ProviderResult.Error,
            "timeout" => ProviderResult.Timeout,
            "skipped" => ProviderResult.Skipped,
            _ => (ProviderResult)(-1),
        };
        return Enum.IsDefined(result);
    }

    private static bool Fail(string why, out string reason)
    {
        reason = why;
        return false;
    }
}
