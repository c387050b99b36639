using ClayBus.ClaySim.Faults;
using ClayBus.ClaySim.Workspace;

namespace ClayBus.ClaySim.Ingest;

/// <summary>
/// The store-then-fail fault (a send whose outcome is unknown): the request's records were admitted, stored and
/// queued for enrichment exactly as for a 200, and then the client sees a 5xx, a reset connection or no answer at
/// all. A sender that retries such a request sends its rows twice, which the duplicate counter then shows.
/// </summary>
internal static class StoreThenFail
{
    public static bool Fires(ActiveFaults fault) =>
        fault.StoreThenFailRate > 0 && Random.Shared.NextDouble() < fault.StoreThenFailRate;

    public static async Task AnswerAsync(HttpContext http, ActiveFaults fault, ClayWorkspace workspace, SimWebhook hook, int stored, IHostApplicationLifetime lifetime)
    {
        foreach (var counters in (ReadOnlySpan<Counters>)[workspace.Totals, hook.Counters, hook.Table.Counters])
        {
            Interlocked.Increment(ref counters.RequestsStoredThenFailed);
            Interlocked.Add(ref counters.RecordsStoredThenFailed, stored);
        }

        var mode = fault.StoreThenFailModes[Random.Shared.Next(fault.StoreThenFailModes.Count)];
        if (mode == StoreThenFailMode.ServerError)
        {
            var status = fault.ServerErrorStatuses[Random.Shared.Next(fault.ServerErrorStatuses.Count)];
            await IngestEndpoint.Reject(http, status, "injected_fault", $"an injected server error ({status}) after the records were stored (storeThenFailRate)");
            return;
        }

        if (mode == StoreThenFailMode.Hang)
        {
            // Until the client gives up or the simulator stops; then the connection goes as a reset would. Counted
            // with the other unanswered requests in hangs, before the wait, so a test can tell a hang from a slow answer.
            Interlocked.Increment(ref workspace.Totals.Hangs);
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
            try
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, stop.Token);
            }
            catch (OperationCanceledException)
            {
            }
        }

        http.Abort();
    }
}
