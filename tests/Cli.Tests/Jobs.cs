using ClayBus.Monitor.Status;

namespace ClayBus.Cli.Tests;

/// <summary>Jobs as the Monitor's JobStatusEndpoints summarises them: two tables, figures consistent with the job ledger.</summary>
public static class Jobs
{
    public static JobSummary Of(
        Guid jobId,
        string phase,
        int delivered = 0,
        int enriched = 0,
        int noData = 0,
        int error = 0,
        int deadLettered = 0,
        string? likelyCause = null)
    {
        var created = DateTimeOffset.UtcNow.AddMinutes(-3);
        // 300 rows to outbound-leads-tech, 200 to inbound-leads; each figure splits 3:2 the same way.
        TableProgress Table(string key, int accepted, int share) => new(
            key,
            accepted,
            RowsHeld: 0,
            Batches: accepted / 50,
            BatchesDelivered: delivered * share / 5 / 50,
            RowsDelivered: delivered * share / 5,
            RowsEnriched: enriched * share / 5,
            RowsNoData: noData * share / 5,
            RowsError: error * share / 5,
            RowsDeadLettered: deadLettered * share / 5,
            CreditsEstimated: accepted * 6m,
            CreditsSpent: enriched * share / 5 * 6m);
        return new JobSummary(
            jobId,
            phase,
            "crm-sync",
            created,
            created.AddSeconds(1),
            DateTimeOffset.UtcNow,
            phase.StartsWith("completed", StringComparison.Ordinal) ? DateTimeOffset.UtcNow : null,
            500,
            delivered,
            enriched,
            noData + error,
            deadLettered,
            enriched * 6m,
            likelyCause,
            [Table("inbound-leads", 200, 2), Table("outbound-leads-tech", 300, 3)]);
    }
}
