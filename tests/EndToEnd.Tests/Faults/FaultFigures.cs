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
public sealed record FaultFigures(string Scenario, long RowsLost, long DuplicatesAtClay, long DuplicatesBound, decimal CreditsOverBudget, long Crashes);

/// <summary>
/// Sums every scenario into <c>bench/results/faults.json</c> as issue 8 asks: rewritten after each scenario, so a run
/// cut short still leaves the figures of the scenarios that ran, and each scenario is listed by name.
/// </summary>
public static class FaultLedger
{
    private static readonly Lock Gate = new();
    private static readonly List<FaultFigures> Scenarios = [];
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Record(FaultFigures figures)
    {
        lock (Gate)
        {
            Scenarios.RemoveAll(s => s.Scenario == figures.Scenario);
            Scenarios.Add(figures);
            var document = new JsonObject
            {
                ["benchmark"] = "faults",
                ["figures"] = new JsonObject
                {
                    ["rows_lost"] = Scenarios.Sum(s => s.RowsLost),
                    ["duplicates_at_clay"] = Scenarios.Sum(s => s.DuplicatesAtClay),
                    ["duplicates_bound"] = Scenarios.Sum(s => s.DuplicatesBound),
                    ["credits_over_budget"] = Scenarios.Sum(s => s.CreditsOverBudget),
                    ["crashes"] = Scenarios.Sum(s => s.Crashes),
                },
                ["scenarios"] = new JsonArray([.. Scenarios.OrderBy(s => s.Scenario, StringComparer.Ordinal).Select(s => (JsonNode)JsonSerializer.SerializeToNode(s)!)]),
                ["full_counts"] = Harness.PipelineSettings.Full,
            };
            var folder = Path.Combine(ServiceProcess.RepositoryRoot, "bench", "results");
            Directory.CreateDirectory(folder);
            File.WriteAllText(Path.Combine(folder, "faults.json"), document.ToJsonString(Indented) + Environment.NewLine);
        }
    }

    /// <summary>Records the scenario, then asserts the goals: nothing lost, duplicates within bound, nothing over budget, no crash.</summary>
    public static void RecordAndAssert(FaultFigures figures)
    {
        Record(figures);
        Assert.True(figures.RowsLost == 0, $"{figures.Scenario}: {figures.RowsLost} rows lost");
        Assert.True(figures.DuplicatesAtClay <= figures.DuplicatesBound, $"{figures.Scenario}: {figures.DuplicatesAtClay} duplicates at Clay, bound {figures.DuplicatesBound}");
        Assert.True(figures.CreditsOverBudget == 0, $"{figures.Scenario}: {figures.CreditsOverBudget} credits over budget");
        Assert.True(figures.Crashes == 0, $"{figures.Scenario}: {figures.Crashes} crashes");
    }
}
