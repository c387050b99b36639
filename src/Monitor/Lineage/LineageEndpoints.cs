using System.Globalization;
using ClayBus.ServiceDefaults.Security;

namespace ClayBus.Monitor.Lineage;

/// <summary><c>GET /rows/{claybus_row_id}</c>: "where did my lead go?"</summary>
public static class LineageEndpoints
{
    public static IEndpointRouteBuilder MapLineage(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/rows/{rowId}", async (string rowId, RowLineageStore lineage) =>
            await lineage.Read(rowId) is { } row
                ? Results.Ok(new RowLineage(
                    rowId,
                    Guid.TryParse(row.GetValueOrDefault("job") ?? row.GetValueOrDefault("callbackJob"), out var job) ? job : null,
                    row.GetValueOrDefault("table"),
                    Guid.TryParse(row.GetValueOrDefault("batch"), out var batch) ? batch : null,
                    row.GetValueOrDefault("webhook"),
                    Time(row.GetValueOrDefault("sentAt")),
                    Number(row.GetValueOrDefault("creditsReserved")),
                    row.GetValueOrDefault("outcome") ?? (row.ContainsKey("deadLetteredAt") ? "dead_lettered" : "awaiting_callback"),
                    NullIfEmpty(row.GetValueOrDefault("provider")),
                    Number(row.GetValueOrDefault("dataCredits")),
                    int.TryParse(row.GetValueOrDefault("actions"), CultureInfo.InvariantCulture, out var actions) ? actions : null,
                    long.TryParse(row.GetValueOrDefault("calledBackAt"), CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null,
                    int.TryParse(row.GetValueOrDefault("callbacks"), CultureInfo.InvariantCulture, out var callbacks) ? callbacks : 0,
                    Time(row.GetValueOrDefault("deadLetteredAt")),
                    row.GetValueOrDefault("deadLetterReason"),
                    NullIfEmpty(row.GetValueOrDefault("callbackNotes")),
                    row.GetValueOrDefault("creditsUnknown") == "1"))
                : Results.Problem(statusCode: 404, title: "Row not known", detail: $"no delivery or callback is recorded for claybus_row_id '{rowId}' (rows are kept for Callbacks:RowRetention)"))
            .RequireAuthorization(ApiRoles.Read);
        return endpoints;
    }

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    private static decimal? Number(string? text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}

/// <summary>
/// One row's story. <see cref="Webhook"/> is masked (last 6 characters) by the Enricher before it is published;
/// <see cref="CallbackNotes"/> lists what the callback's reader ignored or inferred, field by field.
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
    bool CreditsUnknown = false);
