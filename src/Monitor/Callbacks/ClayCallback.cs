using System.Diagnostics;
using ClayBus.Contracts.Tracking;

namespace ClayBus.Monitor.Callbacks;

/// <summary>
/// One row as Clay's HTTP API column reports it (docs/clay-interfaces.md §1), read leniently by
/// <see cref="ClayCallbackReader"/>. <see cref="JobId"/> is <c>null</c> when the body had no usable job id (the row's
/// delivery record supplies it). <see cref="Trace"/> is the delivery's trace echoed in <c>claybus_trace</c>.
/// </summary>
/// <param name="CreditsUnknown">Clay's charge could not be read: the Enricher keeps the row's reservation.</param>
/// <param name="Notes">What the reader ignored or inferred, field by field (never the values): kept in the row's lineage.</param>
public sealed record ClayCallback(
    string RowId,
    Guid? JobId,
    string Status,
    string? SuccessfulProvider,
    IReadOnlyList<ProviderOutcome> Providers,
    decimal DataCredits,
    int Actions,
    ActivityContext? Trace = null,
    bool CreditsUnknown = false,
    IReadOnlyList<string>? Notes = null)
{
    public const string Enriched = "enriched";
    public const string NoData = "no_data";
    public const string Error = "error";

    /// <summary>Reads a callback body; refuses only a body that is not a JSON object or has no usable row id.</summary>
    /// <param name="reason">On refusal, names the field and what it must be.</param>
    public static bool TryParse(ReadOnlyMemory<byte> body, out ClayCallback? callback, out string reason) =>
        ClayCallbackReader.TryRead(body, out callback, out reason);
}
