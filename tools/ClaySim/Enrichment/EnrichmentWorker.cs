using ClayBus.ClaySim.Callbacks;
using ClayBus.ClaySim.Clock;
using ClayBus.ClaySim.Faults;
using ClayBus.ClaySim.Workspace;
using Microsoft.Extensions.Options;

namespace ClayBus.ClaySim.Enrichment;

/// <summary>
/// Clay's enrichment: a pool of workers takes accepted rows, runs each through its table's waterfall (the wait in
/// simulated time), charges the ledger for the enrichment (1 Action per provider called, Data Credits for the hit) and
/// hands the row to the HTTP API column, which charges its own Action once, when its call first goes through. Every random choice about a row (stuck, dropped, duplicated, each
/// provider's answer and latency) comes from the row's own seeded stream.
/// </summary>
internal sealed partial class EnrichmentWorker(
    EnrichmentQueue queue,
    ClayWorkspace workspace,
    SettingsBoard settings,
    FaultBoard faults,
    SimClock clock,
    CallbackSender callbacks,
    IOptions<ClaySimOptions> options,
    ILogger<EnrichmentWorker> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.EnrichmentConcurrency).Select(_ => Task.Run(() => LoopAsync(stoppingToken), stoppingToken)));

    private async Task LoopAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            RowWork row;
            try
            {
                row = await queue.TakeAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            try
            {
                await EnrichAsync(row, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                LogRowFailed(logger, row.Table.Key, exception);
            }
        }
    }

    private async Task EnrichAsync(RowWork row, CancellationToken stopping)
    {
        if (row.Generation != workspace.Generation || row.Table.Deleted)
        {
            return;
        }

        var current = settings.Current;
        var fault = faults.Current;
        var random = new RowRandom(current.Seed, row.RowHash);
        var stuck = random.NextDouble();
        var fate = new CallbackFate(random.NextDouble(), random.NextDouble());
        var overhead = current.EnrichmentOverheadMinMs + ((current.EnrichmentOverheadMaxMs - current.EnrichmentOverheadMinMs) * random.NextDouble());
        var pick = random.NextUInt64();
        var waterfall = row.Table.Waterfall.Select(name => (name, workspace.Providers.GetValueOrDefault(name))).ToList();
        var outcome = Waterfall.Run(waterfall, fault, ref random);
        if (stuck < fault.StuckRowRate)
        {
            // A stuck row never finishes in Clay: no charge, no callback. The tracker must notice the silence.
            foreach (var counters in row.Scopes(workspace))
            {
                Interlocked.Increment(ref counters.RowsStuck);
            }

            return;
        }

        await clock.DelayAsync(outcome.Latency + TimeSpan.FromMilliseconds(overhead), stopping);
        if (row.Generation != workspace.Generation || row.Table.Deleted)
        {
            return;
        }

        Charge(row, outcome);
        var body = CallbackBody.Write(row.Record, outcome, pick);
        await callbacks.DispatchAsync(row, body, fate, stopping);
    }

    private void Charge(RowWork row, WaterfallOutcome outcome)
    {
        var milliCredits = (long)Math.Round(outcome.DataCredits * 1000);
        var actions = outcome.ProviderActions;
        foreach (var counters in row.Scopes(workspace))
        {
            Interlocked.Add(ref counters.DataMilliCredits, milliCredits);
            Interlocked.Add(ref counters.ActionsCharged, actions);
            Interlocked.Increment(ref counters.OutcomeField(outcome.Status));
        }

        lock (workspace.Gate)
        {
            workspace.Rows.Charge(row.RowHash, milliCredits, actions);
        }

        foreach (var call in outcome.Providers.Where(p => p.Called))
        {
            var counters = workspace.CountersOf(call.Provider);
            Interlocked.Increment(ref counters.ProviderCalls);
            Interlocked.Increment(ref counters.ActionsCharged);
            Interlocked.Add(ref counters.DataMilliCredits, (long)Math.Round(call.DataCredits * 1000));
            Interlocked.Increment(ref counters.OutcomeField(call.Result));
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Enriching a row of table {Table} failed")]
    private static partial void LogRowFailed(ILogger logger, string table, Exception exception);
}
