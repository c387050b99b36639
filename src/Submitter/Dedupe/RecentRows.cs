using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Submitter.Dedupe;

/// <summary>
/// Rows sent in the last <see cref="DedupeOptions.WindowDays"/> days: field <c>q</c> of the row's one hash
/// <c>row:{row}</c> (the Monitor keeps the row's lineage in the same hash, so a row costs one key, not two), valued
/// with the run of the job that claimed it (<see cref="Claimant"/>) and until when, or with <c>s</c> and the time it
/// was sent. A job claims its rows (short lease) before publishing and commits them (the window) once the broker
/// confirmed their batch, so a crash between the two never makes a lead look sent when it was not. Because the claim
/// names the run, it also finds a row's second occurrence inside the job: the Submitter keeps no per-row memory, and a
/// million-row file costs what a thousand-row one does. Marks of the layout before (<c>submitter:row:{row}</c>) are
/// still read until they expire.
/// </summary>
public sealed class RecentRows(RedisKeyspace redis, IOptions<DedupeOptions> options)
{
    public bool Enabled => options.Value.WindowDays > 0;

    private const string FailedRunPrefix = "submitter:failed-run:";

    /// <summary>The row's hash, shared with the Monitor's lineage (field <c>q</c> is the Submitter's).</summary>
    public static RedisKey KeyOf(string rowId) => "row:" + rowId;

    // Written only by versions before the mark moved into the row's hash; read until their window ends.
    private static RedisKey OldKeyOf(string rowId) => "submitter:row:" + rowId;

    private long WindowSeconds => (long)TimeSpan.FromDays(options.Value.WindowDays).TotalSeconds;

    private static RedisKey[] Pairs(IEnumerable<string> rowIds) => [.. rowIds.SelectMany(id => new[] { KeyOf(id), OldKeyOf(id) })];

    /// <summary>What one run of a job writes into the rows it claims.</summary>
    public static string Claimant(Guid jobId, Guid runId) => $"{Short(jobId)}:{Short(runId)}";

    // 22 characters, not 32: a claim ('<job>:<run>|<until>') must stay within Redis's 64-byte listpack value, or the
    // row's hash turns into a hash table for good and costs three times the bytes.
    private static string Short(Guid id) => Convert.ToBase64String(id.ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Claims each row for this run of the job; says which rows the job may send.</summary>
    public async Task<RowClaim[]> ClaimAsync(IReadOnlyList<string> rowIds, Guid jobId, Guid runId)
    {
        if (!Enabled || rowIds.Count == 0)
        {
            return Enumerable.Repeat(RowClaim.Claimed, rowIds.Count).ToArray();
        }

        var result = await RecentRowsScripts.Claim.EvaluateAsync(
            redis.Database,
            [],
            [
                ("claimant", Claimant(jobId, runId)), ("job_prefix", Short(jobId) + ":"), ("pending_ttl", options.Value.PendingClaimSeconds),
                ("failed_prefix", redis.Prefix + FailedRunPrefix), ("window_s", WindowSeconds),
            ],
            Pairs(rowIds));
        return ((RedisResult[])result!).Select(value => (RowClaim)(int)value).ToArray();
    }

    /// <summary>Dry run: which rows were already sent or claimed (reads only).</summary>
    public async Task<bool[]> SeenAsync(IReadOnlyList<string> rowIds)
    {
        if (!Enabled || rowIds.Count == 0)
        {
            return new bool[rowIds.Count];
        }

        // All chunks at once, pipelined on the connection, as the reads were before they became a script.
        var chunks = await Task.WhenAll(rowIds.Chunk(500).Select(chunk => RecentRowsScripts.Seen.EvaluateAsync(redis.Database, [], [("window_s", WindowSeconds)], Pairs(chunk))));
        return [.. chunks.SelectMany(result => (RedisResult[])result!).Select(value => (int)value == 1)];
    }

    /// <summary>
    /// The rows' batch is in the broker (or durably held): mark them sent for the whole window. The mark no longer
    /// names the job, so even a retry of the same job skips them.
    /// </summary>
    public async Task CommitAsync(IEnumerable<string> rowIds)
    {
        if (!Enabled)
        {
            return;
        }

        foreach (var chunk in rowIds.Select(KeyOf).Chunk(1000))
        {
            await RecentRowsScripts.Commit.EvaluateAsync(redis.Database, [], [("window_s", WindowSeconds)], chunk);
        }
    }

    /// <summary>
    /// The run failed: the rows it claimed and did not send may be claimed by any job at once, not only after
    /// <see cref="DedupeOptions.PendingClaimSeconds"/> (a keyless retry would otherwise report them as duplicates and
    /// drop them). One marker instead of a release a row: the run does not keep its rows.
    /// </summary>
    public Task MarkRunFailedAsync(Guid jobId, Guid runId) =>
        Enabled
            ? redis.Database.StringSetAsync(FailedRunPrefix + Claimant(jobId, runId), 1, TimeSpan.FromSeconds(options.Value.PendingClaimSeconds))
            : Task.CompletedTask;

    /// <summary>The job failed or was rejected before these rows went out: free them for the next submission.</summary>
    public async Task ReleaseAsync(IReadOnlyList<string> rowIds, string claimant)
    {
        if (!Enabled || rowIds.Count == 0)
        {
            return;
        }

        foreach (var chunk in rowIds.Chunk(1000))
        {
            await RecentRowsScripts.Release.EvaluateAsync(redis.Database, [], [("claimant", claimant)], chunk.Select(KeyOf));
        }
    }
}

/// <summary>What a claim found for a row.</summary>
public enum RowClaim
{
    /// <summary>Sent in the window, or claimed by another job: skip it.</summary>
    Taken = 0,

    /// <summary>Now claimed by this run: send it.</summary>
    Claimed = 1,

    /// <summary>Claimed earlier by this same run: a duplicate inside the job.</summary>
    DuplicateInJob = 2,
}
