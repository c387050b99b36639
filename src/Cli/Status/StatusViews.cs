namespace ClayBus.Cli.Status;

// The Monitor's status API as the CLI reads it (src/Monitor/Status/JobStatusEndpoints.cs, src/Monitor/Budget/BudgetReport.cs).
// Copies, not a reference: the CLI ships alone. tests/Cli.Tests serves the Monitor's own records, so a rename there
// breaks a test here.

public sealed record JobView(
    Guid JobId,
    string Phase,
    string? SubmittedBy,
    DateTimeOffset CreatedAt,
    DateTimeOffset? SubmittedAt,
    DateTimeOffset LastProgressAt,
    DateTimeOffset? CompletedAt,
    int RowsAccepted,
    int RowsDelivered,
    int RowsEnriched,
    int RowsFailed,
    int RowsDeadLettered,
    decimal CreditsSpent,
    string? LikelyCause,
    IReadOnlyList<TableView> Tables)
{
    /// <summary>Rows with a final outcome: enriched, failed at the provider, or dead-lettered before Clay.</summary>
    public int RowsFinished => RowsEnriched + RowsFailed + RowsDeadLettered;

    public decimal CreditsEstimated => Tables.Sum(table => table.CreditsEstimated);

    /// <summary>Rows the Submitter holds back until the budget resets (its hold or split admission policy).</summary>
    public int RowsHeld => Tables.Sum(table => table.RowsHeld);
}

/// <summary>Every accepted row ends as exactly one of enriched, no data, error or dead-lettered (the Monitor's JobFigures).</summary>
public sealed record TableView(
    string TableKey,
    int RowsAccepted,
    int RowsHeld,
    int Batches,
    int BatchesDelivered,
    int RowsDelivered,
    int RowsEnriched,
    int RowsNoData,
    int RowsError,
    int RowsDeadLettered,
    decimal CreditsEstimated,
    decimal CreditsSpent)
{
    public int RowsFailed => RowsNoData + RowsError;

    public int RowsFinished => RowsEnriched + RowsFailed + RowsDeadLettered;
}

public sealed record BudgetView(string State, DateOnly Day, string TimeZone, LedgerView? Ledger, decimal? UsedShare, ForecastView? Forecast, ForecastView? ActionsForecast = null);

public sealed record LedgerView(
    decimal Limit,
    decimal Reserved,
    decimal Spent,
    decimal Remaining,
    bool Exhausted,
    DateTimeOffset NextResetAt,
    decimal? MonthlyLimit,
    decimal? MonthSpent,
    long? ActionsReserved = null,
    long? ActionsSpent = null,
    long? ActionsLimit = null,
    long? ActionsRemaining = null,
    decimal? MonthReserved = null,
    long? ActionsMonthlyLimit = null,
    long? ActionsMonthReserved = null,
    long? ActionsMonthSpent = null,
    IReadOnlyList<string>? HeldTables = null);

/// <summary>The Monitor's forecast of one meter; <see cref="Outlook"/> is unknown, reached, today or "not today".</summary>
/// <param name="Text">The Monitor's sentence, which the dashboard shows too; absent from Monitors older than it.</param>
public sealed record ForecastView(decimal? PerHour, string? Outlook, DateTimeOffset? LimitReachedAt, decimal? ProjectedAtReset, string? Text = null);
