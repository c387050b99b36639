using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.Enricher.Idempotency;

/// <summary>What a claim found for a chunk of rows.</summary>
/// <param name="Claimed">Rows this delivery now owns and may send.</param>
/// <param name="AlreadySent">Rows an earlier delivery sent (or a callback proved): skipped.</param>
/// <param name="Busy">Rows another delivery is sending right now (or was, until its lease ends).</param>
/// <param name="BusyFor">When the longest of those leases ends.</param>
/// <param name="Waiting">Rows of an ambiguous send still waiting for a callback or their deadline.</param>
/// <param name="WaitingFor">When the latest of those deadlines passes.</param>
public sealed record RowClaim(
    IReadOnlyList<string> Claimed, IReadOnlyList<string> AlreadySent, IReadOnlyList<string> Busy, TimeSpan BusyFor, IReadOnlyList<string>? Waiting = null, TimeSpan WaitingFor = default);

/// <summary>
/// Per-row delivery state in Redis, one hash per job: a row is <c>sending</c> (owned by one delivery attempt, with a
/// lease), then <c>sent</c> (packed 16 bytes a row, <see cref="SentRowPacking"/>; a text field <c>sent</c> written
/// before the packing still counts), or <c>unknown</c> after an ambiguous send (kept until a callback proves the send or its
/// deadline passes). The rule is <see cref="ResendDecision"/>; <see cref="RowClaimsScripts"/> execute it atomically.
/// </summary>
public sealed class RowClaims(RedisKeyspace redis)
{
    public async Task<RowClaim> ClaimAsync(Guid jobId, string owner, IReadOnlyList<string> rowIds, TimeSpan lease, TimeSpan keepFor)
    {
        var reply = await RowClaimsScripts.Claim.EvaluateAsync(
            redis.Database,
            [("job", Key(jobId))],
            [("owner", owner), ("lease_ms", (long)lease.TotalMilliseconds), ("ttl_s", (long)keepFor.TotalSeconds)],
            restArgs: Pairs(rowIds));
        var codes = (long[])reply!;
        List<string> claimed = [], sent = [], busy = [], waiting = [];
        for (var i = 0; i < rowIds.Count; i++)
        {
            ((ClaimCode)codes[i] switch { ClaimCode.Claimed => claimed, ClaimCode.Sent => sent, ClaimCode.Busy => busy, _ => waiting }).Add(rowIds[i]);
        }

        return new RowClaim(claimed, sent, busy, TimeSpan.FromMilliseconds(codes[^2]), waiting, TimeSpan.FromMilliseconds(codes[^1]));
    }

    /// <summary>Extends this owner's leases just before the request goes out (the limiter may have made it wait).</summary>
    public Task RenewAsync(Guid jobId, string owner, IReadOnlyList<string> rowIds, TimeSpan lease) =>
        ChangeOwnedAsync(jobId, owner, rowIds, (long)lease.TotalMilliseconds, 0);

    /// <summary>Gives back rows that were claimed but not sent, so the next delivery sends them at once.</summary>
    public Task ReleaseAsync(Guid jobId, string owner, IReadOnlyList<string> rowIds) => ChangeOwnedAsync(jobId, owner, rowIds, -1, 0);

    /// <summary>Keeps rows of an ambiguous send claimed until a callback proves the send or <paramref name="deadline"/> passes.</summary>
    public Task MarkUnknownAsync(Guid jobId, string owner, IReadOnlyList<string> rowIds, TimeSpan deadline) =>
        ChangeOwnedAsync(jobId, owner, rowIds, -2, (long)deadline.TotalMilliseconds);

    /// <summary>A callback arrived for the row: the send it went in reached Clay.</summary>
    public async Task<bool> MarkProvedAsync(Guid jobId, string rowId) =>
        (long)await RowClaimsScripts.Prove.EvaluateAsync(redis.Database, [("job", Key(jobId))], [("row", rowId)]) == 1;

    public Task MarkSentAsync(Guid jobId, IReadOnlyList<string> rowIds, TimeSpan keepFor) =>
        RowClaimsScripts.MarkSent.EvaluateAsync(
            redis.Database, [("job", Key(jobId))], [("ttl_s", (long)keepFor.TotalSeconds)], restArgs: Pairs(rowIds));

    private async Task ChangeOwnedAsync(Guid jobId, string owner, IReadOnlyList<string> rowIds, long leaseMs, long deadlineMs)
    {
        if (rowIds.Count == 0)
        {
            return;
        }

        await RowClaimsScripts.ChangeOwned.EvaluateAsync(
            redis.Database,
            [("job", Key(jobId))],
            [("owner", owner), ("lease_ms", leaseMs), ("deadline_ms", deadlineMs)],
            restArgs: rowIds.Select(row => (RedisValue)row));
    }

    // Each row id, then its packed form: the scripts write a sent row packed and read both layouts.
    private static IEnumerable<RedisValue> Pairs(IReadOnlyList<string> rowIds) =>
        rowIds.SelectMany(row => new RedisValue[] { row, SentRowPacking.Pack(row) });

    private static RedisKey Key(Guid jobId) => $"delivery:job:{jobId:N}";
}
