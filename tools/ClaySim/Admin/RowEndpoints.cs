using System.Globalization;
using System.Text;
using ClayBus.ClaySim.Ingest;
using ClayBus.ClaySim.Workspace;

namespace ClayBus.ClaySim.Admin;

/// <summary>
/// When rows came through Clay's door (issue 16: hot-lead latency measured there): <c>GET /_sim/rows/{rowId}</c> and
/// <c>POST /_sim/rows/lookup</c>. Times are on the unscaled clock, comparable with a submitter's own 202 time. Each row
/// also says what Clay charged for it (every copy, Actions with its HTTP API call): the ground truth for lineage.
/// </summary>
internal static class RowEndpoints
{
    public const int MaxLookup = 10_000;

    public static IEndpointRouteBuilder MapRows(this IEndpointRouteBuilder app)
    {
        app.MapGet("/_sim/rows/{rowId}", (string rowId, ClayWorkspace workspace) =>
            Find(workspace, [rowId]) is [var row]
                ? Results.Ok(row)
                : WorkspaceEndpoints.Problem(404, "row_not_found", $"no record with claybus_row_id '{rowId}' was accepted since the last reset"));
        app.MapPost("/_sim/rows/lookup", (RowLookup? lookup, ClayWorkspace workspace) =>
            lookup?.RowIds is not { } ids ? WorkspaceEndpoints.Problem(400, "invalid_lookup", "rowIds is required: { \"rowIds\": [\"…\"] }")
            : ids.Length > MaxLookup ? WorkspaceEndpoints.Problem(400, "invalid_lookup", $"rowIds holds {ids.Length} ids; at most {MaxLookup} per call")
            : ids.Any(id => id is null) ? WorkspaceEndpoints.Problem(400, "invalid_lookup", "rowIds must hold strings, not null")
            : Results.Ok(new { rows = Find(workspace, ids) }));
        return app;
    }

    /// <summary>The known ones among <paramref name="rowIds"/>, in the order asked, under one hold of the gate.</summary>
    private static List<RowView> Find(ClayWorkspace workspace, string[] rowIds)
    {
        var hashes = rowIds.Select(id => RowHash.Of(Encoding.UTF8.GetBytes(id))).ToArray();
        var rows = new List<RowView>();
        lock (workspace.Gate)
        {
            for (var i = 0; i < rowIds.Length; i++)
            {
                if (workspace.Rows.Find(hashes[i]) is { } row)
                {
                    rows.Add(RowView.Of(rowIds[i], row));
                }
            }
        }

        return rows;
    }
}

/// <summary>The body of <c>POST /_sim/rows/lookup</c>.</summary>
internal sealed record RowLookup(string[]? RowIds);

internal sealed record RowView(string RowId, string? JobId, string Table, string FirstAcceptedAt, int TimesAccepted, decimal DataCreditsCharged, int ActionsCharged)
{
    public static RowView Of(string rowId, RowAcceptance row) => new(
        rowId,
        row.Job?.Id,
        row.Table.Key,
        row.FirstAcceptedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        row.TimesAccepted,
        row.DataMilliCredits / 1000m,
        row.Actions);
}
