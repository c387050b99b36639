using ClayBus.ServiceDefaults.Security;

namespace ClayBus.Monitor.Lineage;

/// <summary><c>GET /rows/{claybus_row_id}</c>: "where did my lead go?"</summary>
public static class LineageEndpoints
{
    public static IEndpointRouteBuilder MapLineage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/rows/{rowId}", async (string rowId, RowLineageStore lineage) =>
            await lineage.Lineage(rowId) is { } row
                ? Results.Ok(row)
                : Results.Problem(statusCode: 404, title: "Row not known", detail: $"no delivery or callback is recorded for claybus_row_id '{rowId}' (rows are kept for Callbacks:RowRetention)"))
            .RequireAuthorization(ApiRoles.Read);
        return endpoints;
    }
}

/// <summary>
/// One row's story. <see cref="Webhook"/> is masked (last 6 characters) by the Enricher before it is published;
/// <see cref="CallbackNotes"/> lists what the callback's reader ignored or inferred, field by field. Where the row came
/// from: <see cref="Source"/> (the API key's name, or a message's source), <see cref="FileName"/> (CSV uploads that
/// named one) and <see cref="RowNumber"/> (1-based, in the job's input).
/// </summary>
public sealed record RowLineage(
    string RowId,
    Guid? JobId,
    string? TableKey,
    Guid? BatchId,
    string? Webhook,
    DateTimeOffset? SentAt,
    decimal? CreditsReserved,
    string Outcome,
    string? SuccessfulProvider,
    decimal? DataCredits,
    int? Actions,
    DateTimeOffset? CalledBackAt,
    int Callbacks,
    DateTimeOffset? DeadLetteredAt,
    string? DeadLetterReason,
    string? CallbackNotes = null,
    bool CreditsUnknown = false,
    string? Source = null,
    string? FileName = null,
    int? RowNumber = null);
