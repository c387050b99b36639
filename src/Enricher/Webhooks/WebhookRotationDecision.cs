namespace ClayBus.Enricher.Webhooks;

/// <summary>A table's pool as stored, read before a reservation.</summary>
/// <param name="Rows">Rows sent to the table; null when never counted (then the webhooks' counts are summed).</param>
/// <param name="Hooks">The configured webhook ids, in pool order.</param>
/// <param name="Counts">Each webhook's lifetime count, in pool order.</param>
/// <param name="Warned">Whether each webhook's warning was already published.</param>
/// <param name="Current">The webhook the table used last, if any (possibly one no longer configured).</param>
/// <param name="Exhausted">The pool was already found spent since it last had room.</param>
public sealed record WebhookPoolState(long? Rows, IReadOnlyList<string> Hooks, IReadOnlyList<long> Counts, IReadOnlyList<bool> Warned, string? Current, bool Exhausted);

/// <summary>One ask of the pool: how many records, and the table's and webhooks' limits.</summary>
public readonly record struct RotationAsk(int Records, long WarnAt, long RotateAt, long HardCap, bool Capped, long TableMaxRows);

/// <summary>The pool's answer.</summary>
/// <param name="Hook">1-based index of the webhook reserved on; 0: none (the table is full or the pool spent).</param>
/// <param name="CountAfter">The webhook's count including this reservation.</param>
/// <param name="CrossedWarning">This reservation is the first to reach the warning threshold on that webhook.</param>
/// <param name="FirstExhaustion">The first ask to find the pool spent since it last had room.</param>
/// <param name="RotatedFrom">1-based index of the webhook the table moved on from; 0: it did not move (or from one unconfigured).</param>
/// <param name="RotatedFromCount">That webhook's count.</param>
/// <param name="TableFull">No room because the table reached its row limit.</param>
public readonly record struct RotationVerdict(int Hook, long CountAfter, bool CrossedWarning, bool FirstExhaustion, int RotatedFrom, long RotatedFromCount, bool TableFull);

/// <summary>
/// Which webhook takes a request. The table first: a capped table takes no request that would pass its row limit.
/// Then the first webhook in configuration order that is below the rotation threshold and has room for the whole
/// request under the hard cap; an auto-delete table's webhooks are never capped, so the first one always takes it.
/// Moving on from the webhook used last is a rotation; reaching the warning threshold is announced once per webhook;
/// finding no webhook is announced once until the pool has room again. No clock: counts alone decide.
/// <see cref="WebhookPool"/>'s script executes this atomically; the parity specs run the same cases through both.
/// </summary>
public static class WebhookRotationDecision
{
    public static RotationVerdict Decide(RotationAsk ask, WebhookPoolState pool)
    {
        var rows = pool.Rows ?? pool.Counts.Sum();
        if (ask.Capped && rows + ask.Records > ask.TableMaxRows)
        {
            return new RotationVerdict(0, 0, false, false, 0, 0, TableFull: true);
        }

        for (var i = 0; i < pool.Hooks.Count; i++)
        {
            var count = pool.Counts[i];
            if (ask.Capped && (count >= ask.RotateAt || count + ask.Records > ask.HardCap))
            {
                continue;
            }

            var after = count + ask.Records;
            var warned = ask.Capped && after >= ask.WarnAt && !pool.Warned[i];
            var from = pool.Current is { } current && current != pool.Hooks[i] ? IndexOf(pool.Hooks, current) : -1;
            return new RotationVerdict(i + 1, after, warned, false, from + 1, from >= 0 ? pool.Counts[from] : 0, false);
        }

        return new RotationVerdict(0, 0, false, !pool.Exhausted, 0, 0, false);
    }

    // The last match, as the script's loop: two webhooks with one URL share an id (and a count).
    private static int IndexOf(IReadOnlyList<string> hooks, string id)
    {
        var found = -1;
        for (var i = 0; i < hooks.Count; i++)
        {
            found = hooks[i] == id ? i : found;
        }

        return found;
    }
}
