namespace ClayBus.Contracts.Tracking;

/// <summary>
/// Clay enriched a row and called back with data. Published once per <c>claybus_row_id</c> by the Monitor's callback
/// receiver (duplicate callbacks are dropped there); consumed by the job saga's progress, provider health and the
/// Enricher's credit ledger (settling the reservation to <see cref="DataCredits"/>).
/// </summary>
/// <param name="Actions">Clay Actions spent on the row (enrichments and the HTTP API call).</param>
/// <param name="CreditsUnknown">The callback's charge could not be read (<see cref="DataCredits"/> and <see cref="Actions"/> are 0): keep the row's reservation.</param>
public record RowEnriched(
    Guid JobId,
    string RowId,
    string TableKey,
    string SuccessfulProvider,
    IReadOnlyList<ProviderOutcome> Providers,
    decimal DataCredits,
    int Actions,
    DateTimeOffset EnrichedAt,
    bool CreditsUnknown = false);

/// <summary>Why Clay could not enrich a row.</summary>
public enum RowFailureKind
{
    /// <summary>Every provider answered, none had data. Not charged.</summary>
    NoData,

    /// <summary>The waterfall ended on errors or timeouts.</summary>
    Error,
}

/// <summary>
/// Clay called back for a row without data. Published once per <c>claybus_row_id</c> by the Monitor's callback
/// receiver; consumed like <see cref="RowEnriched"/>.
/// </summary>
/// <param name="CreditsUnknown">The callback's charge could not be read: keep the row's reservation.</param>
public record RowEnrichmentFailed(
    Guid JobId,
    string RowId,
    string TableKey,
    RowFailureKind Kind,
    IReadOnlyList<ProviderOutcome> Providers,
    decimal DataCredits,
    int Actions,
    DateTimeOffset FailedAt,
    bool CreditsUnknown = false);
