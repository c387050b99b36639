using System.Text.Json;
using System.Text.Json.Nodes;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Faults;

/// <summary>What one fault scenario did to the guarantees, measured on ClaySim's counters and the saga's figures.</summary>
/// <param name="RowsLost">Valid rows that never reached Clay (or, for a cap, were neither sent nor kept for later).</param>
/// <param name="DuplicatesAtClay">Records Clay received a second time (ClaySim's <c>duplicateRowIds</c>).</param>
/// <param name="DuplicatesBound">The most duplicates the fault may cause: the rows in flight at each crash.</param>
/// <param name="CreditsOverBudget">Credits Clay charged beyond the daily limit.</param>
/// <param name="Crashes">Processes that died, or 5xx answers, that the scenario did not cause on purpose.</param>
/// <param name="CreditsOverLimit">Data Credits ClaySim charged beyond the limit, floored at 0.</param>
/// <param name="ActionsOverLimit">Actions ClaySim charged beyond the limit, floored at 0.</param>
/// <param name="LedgerDrift">|our ledger − ClaySim's charges| once every callback has landed.</param>
/// <param name="ForgedCallbacksSettled">Forged callbacks that moved money or counts (must be 0).</param>
/// <param name="JobDriftRows">|job figures − ClaySim's ground truth| in rows at the end (must be 0).</param>
/// <param name="Callback5xx">Callbacks answered with a 5xx (must be 0).</param>
/// <param name="RowsDroppedOverTableCap">Rows Clay dropped over a table's cap (must be 0).</param>
/// <param name="RecoveryS">Seconds from an injected node loss to deliveries resuming, when the scenario kills one.</param>
public sealed record FaultFigures(
    string Scenario,
    long RowsLost,
    long DuplicatesAtClay,
    long DuplicatesBound,
    decimal CreditsOverBudget,
    long Crashes,
    decimal CreditsOverLimit = 0,
    decimal ActionsOverLimit = 0,
    decimal LedgerDrift = 0,
    long ForgedCallbacksSettled = 0,
    long JobDriftRows = 0,
    long Callback5xx = 0,
    long RowsDroppedOverTableCap = 0,
    double? RecoveryS = null);

/// <summary>
/// Sums every scenario into <c>bench/results/faults.json</c> as issue 8 asks: rewritten after each scenario, so a run
/// cut short still leaves the figures of the scenarios that ran, and each scenario is listed by name. Scenarios already
/// in the file and not run again are kept: the restart and cluster scenarios run in test processes of their own.
/// </summary>
public static class FaultLedger
{
    private static readonly Lock Gate = new();
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private static readonly string FilePath = Path.Combine(ServiceProcess.RepositoryRoot, "bench", "results", "faults.json");
    public static void Record(FaultFigures figures)
    {
        lock (Gate)
        {
            // The file is read again under the lock: another test process (the restart and cluster parts run side by
            // side) may have recorded its scenarios since.
            using var otherProcesses = LockFile();
            var scenarios = Earlier();
            scenarios.RemoveAll(s => s.Scenario == figures.Scenario);
            scenarios.Add(figures);
            var document = new JsonObject
            {
                ["benchmark"] = "faults",
                ["figures"] = new JsonObject
                {
                    ["rows_lost"] = scenarios.Sum(s => s.RowsLost),
                    ["duplicates_at_clay"] = scenarios.Sum(s => s.DuplicatesAtClay),
                    ["duplicates_bound"] = scenarios.Sum(s => s.DuplicatesBound),
                    ["credits_over_budget"] = scenarios.Sum(s => s.CreditsOverBudget),
                    ["crashes"] = scenarios.Sum(s => s.Crashes),
                    ["credits_over_limit"] = scenarios.Sum(s => s.CreditsOverLimit),
                    ["actions_over_limit"] = scenarios.Sum(s => s.ActionsOverLimit),
                    ["ledger_drift"] = scenarios.Sum(s => s.LedgerDrift),
                    ["forged_callbacks_settled"] = scenarios.Sum(s => s.ForgedCallbacksSettled),
                    ["job_drift_rows"] = scenarios.Sum(s => s.JobDriftRows),
                    ["callback_5xx"] = scenarios.Sum(s => s.Callback5xx),
                    ["rows_dropped_over_table_cap"] = scenarios.Sum(s => s.RowsDroppedOverTableCap),
                },
                ["scenarios"] = new JsonArray([.. scenarios.OrderBy(s => s.Scenario, StringComparer.Ordinal).Select(s => (JsonNode)JsonSerializer.SerializeToNode(s)!)]),
                ["full_counts"] = Harness.PipelineSettings.Full,
            };
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
            File.WriteAllText(FilePath, document.ToJsonString(Indented) + Environment.NewLine);
        }
    }

    private static FileStream LockFile()
    {
        // Kept in the temporary folder rather than deleted on close, which would let two processes lock two files.
        var path = Path.Combine(Path.GetTempPath(), "claybus-faults.json.lock");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            }
            catch (IOException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(20); // another process holds the file for the few milliseconds of a write
            }
        }
    }

    private static List<FaultFigures> Earlier()
    {
        if (!File.Exists(FilePath))
        {
            return [];
        }

        var earlier = JsonNode.Parse(File.ReadAllText(FilePath))?["scenarios"]?.Deserialize<List<FaultFigures>>();
        return earlier ?? [];
    }

    /// <summary>Records the scenario, then asserts the goals: nothing lost, duplicates within bound, nothing over budget, no crash.</summary>
    public static void RecordAndAssert(FaultFigures figures)
    {
        Record(figures);
        Assert.True(figures.RowsLost == 0, $"{figures.Scenario}: {figures.RowsLost} rows lost");
        Assert.True(figures.DuplicatesAtClay <= figures.DuplicatesBound, $"{figures.Scenario}: {figures.DuplicatesAtClay} duplicates at Clay, bound {figures.DuplicatesBound}");
        Assert.True(figures.CreditsOverBudget == 0, $"{figures.Scenario}: {figures.CreditsOverBudget} credits over budget");
        Assert.True(figures.Crashes == 0, $"{figures.Scenario}: {figures.Crashes} crashes");
        Assert.True(figures.CreditsOverLimit == 0, $"{figures.Scenario}: {figures.CreditsOverLimit} Data Credits over the limit");
        Assert.True(figures.ActionsOverLimit == 0, $"{figures.Scenario}: {figures.ActionsOverLimit} Actions over the limit");
        Assert.True(figures.LedgerDrift == 0, $"{figures.Scenario}: the ledger drifts {figures.LedgerDrift} from ClaySim's charges");
        Assert.True(figures.ForgedCallbacksSettled == 0, $"{figures.Scenario}: {figures.ForgedCallbacksSettled} forged callbacks settled");
        Assert.True(figures.JobDriftRows == 0, $"{figures.Scenario}: the job's figures drift {figures.JobDriftRows} rows from ClaySim's");
        Assert.True(figures.Callback5xx == 0, $"{figures.Scenario}: {figures.Callback5xx} callbacks answered 5xx");
        Assert.True(figures.RowsDroppedOverTableCap == 0, $"{figures.Scenario}: {figures.RowsDroppedOverTableCap} rows dropped over a table cap");
    }
}
