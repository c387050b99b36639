using ClayBus.ClaySim.Workspace;

namespace ClayBus.ClaySim.Ingest;

internal enum Verdict
{
    Accepted,
    WebhookGone,
    RateLimited,
    WebhookCapReached,
    TableCapReached,
}

internal readonly record struct Admitted(Verdict Verdict, int Accepted, int RetryAfterSeconds);

/// <summary>
/// The one decision that must be exact under concurrent requests: rate limit, lifetime cap, table cap and the
/// duplicate count, all taken together under the workspace gate (one short critical section per request).
/// </summary>
internal static class Admission
{
    public static Admitted Admit(ClayWorkspace workspace, SimWebhook hook, ReadOnlySpan<RecordSlice> records, ReadOnlySpan<byte> body, SimSettings settings)
    {
        var table = hook.Table;
        var count = records.Length;
        lock (workspace.Gate)
        {
            if (hook.Gone)
            {
                return new Admitted(Verdict.WebhookGone, 0, 0);
            }

            var hookRoom = table.AutoDelete ? count : Math.Max(0, hook.Cap - hook.Counters.RecordsAccepted);
            var tableRoom = table.AutoDelete ? count : Math.Max(0, table.RowCap - Interlocked.Read(ref table.RowsInTable));
            var accepted = (int)Math.Min(count, Math.Min(hookRoom, tableRoom));
            if (settings.LoudCapErrors && accepted < count)
            {
                Each(workspace, hook, static c => Interlocked.Increment(ref c.ResponsesCapError));
                return new Admitted(hookRoom < count ? Verdict.WebhookCapReached : Verdict.TableCapReached, 0, 0);
            }

            // Records later dropped over a cap still spend tokens: Clay meters what arrives, not what it keeps.
            if (settings.LimitsEnabled && !workspace.Bucket.TryTake(count, out var retryAfter))
            {
                Each(workspace, hook, static c => Interlocked.Increment(ref c.Responses429));
                return new Admitted(Verdict.RateLimited, 0, retryAfter);
            }

            var duplicates = 0;
            var now = workspace.Now;
            var jobs = new JobLookup(workspace, body);
            for (var i = 0; i < accepted; i++)
            {
                var record = records[i];
                var duplicate = record.HasRowId && !table.AddRowId(record.RowHash);
                duplicates += duplicate ? 1 : 0;
                var job = jobs.Of(record);
                if (job is not null)
                {
                    Interlocked.Increment(ref job.Counters.RecordsAccepted);
                    Interlocked.Add(ref job.Counters.DuplicateRowIds, duplicate ? 1 : 0);
                }

                if (record.HasRowId)
                {
                    workspace.Rows.Accept(record.RowHash, job, table, now);
                }
            }

            // Past the hook's room a record is over both caps (counted over the webhook's); between the two, the table's.
            var withinHook = (int)Math.Min(count, hookRoom);
            for (var i = accepted; i < count; i++)
            {
                if (jobs.Of(records[i]) is { } job)
                {
                    Interlocked.Increment(ref job.Counters.DroppedOverCap);
                    Interlocked.Add(ref job.Counters.DroppedOverTableCap, i < withinHook ? 1 : 0);
                }
            }

            var droppedOverHook = count - withinHook;
            var dropped = count - accepted;
            foreach (var counters in (ReadOnlySpan<Counters>)[workspace.Totals, hook.Counters, table.Counters])
            {
                Interlocked.Add(ref counters.RecordsAccepted, accepted);
                Interlocked.Add(ref counters.DuplicateRowIds, duplicates);
                Interlocked.Add(ref counters.DroppedOverCap, dropped);
                Interlocked.Add(ref counters.DroppedOverTableCap, dropped - droppedOverHook);
            }

            Interlocked.Add(ref table.RowsInTable, accepted);
            return new Admitted(Verdict.Accepted, accepted, 0);
        }
    }

    /// <summary>Remembers the last job found: a request's records nearly always belong to one job.</summary>
    private ref struct JobLookup(ClayWorkspace workspace, ReadOnlySpan<byte> body)
    {
        private readonly ReadOnlySpan<byte> _body = body;
        private ulong _lastHash;
        private SimJob? _last;

        public SimJob? Of(RecordSlice record)
        {
            if (!record.HasJobId)
            {
                return null;
            }

            if (_last is null || _lastHash != record.JobHash)
            {
                _last = workspace.JobOf(record.JobHash, _body.Slice(record.Start, record.Length));
                _lastHash = record.JobHash;
            }

            return _last;
        }
    }

    private static void Each(ClayWorkspace workspace, SimWebhook hook, Func<Counters, long> change)
    {
        _ = change(workspace.Totals) + change(hook.Counters) + change(hook.Table.Counters);
    }
}
