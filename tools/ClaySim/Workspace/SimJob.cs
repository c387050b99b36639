namespace ClayBus.ClaySim.Workspace;

/// <summary>
/// A ClayBus job as ClaySim sees it: every record carrying its <c>claybus_job_id</c> counts here too, so a test
/// can read one job's ground truth while other jobs run. One set of counters per job, nothing per row.
/// </summary>
internal sealed class SimJob(string id)
{
    public string Id { get; } = id;

    public Counters Counters { get; } = new();

    /// <summary><c>GET /_sim/counters/jobs/{jobId}</c>: the figures a job's truth is checked against.</summary>
    public object Figures()
    {
        var c = Counters.Snapshot();
        return new
        {
            recordsAccepted = c["recordsAccepted"],
            distinctRows = c["recordsAccepted"] - c["duplicateRowIds"],
            duplicateRowIds = c["duplicateRowIds"],
            droppedOverCap = c["droppedOverCap"],
            droppedOverTableCap = c["droppedOverTableCap"],
            rowsEnriched = c["rowsEnriched"],
            rowsNoData = c["rowsNoData"],
            rowsError = c["rowsError"],
            dataCreditsCharged = c["dataCreditsCharged"],
            actionsCharged = c["actionsCharged"],
            callbacksSent = c["callbacksSent"],
        };
    }
}
