using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Submitter.Dedupe;

/// <summary>
/// Rows sent in the last <see cref="DedupeOptions.WindowDays"/> days: one Redis key per row id, valued with the run of
/// the job that claimed it (<see cref="Claimant"/>). A job claims its rows (short TTL) before publishing and commits
/// them (full TTL) once the broker confirmed their batch, so a crash between the two never makes a lead look sent when
/// it was not. Because the claim names the run, it also finds a row's second occurrence inside the job: the Submitter
/// keeps no per-row memory, and a million-row file costs what a thousand-row one does.
/// </summary>
public sealed class RecentRows(RedisKeyspace redis, IOptions<DedupeOptions> options)
{
    private const string ReleaseScript =
        """
        local released = 0
        for _, key in ipairs(KEYS) do
          if redis.call('GET', key) == ARGV[1] then
            redis.call('DEL', key)
            released = released + 1
          end
        end
        return released
        """;

    // ARGV[1] = this run's claimant '<job>:<run>', ARGV[2] = '<job>:' (any run of the job), ARGV[3] = the claim's TTL,
    // ARGV[4] = the prefixed name of failed-run markers (a claimant is appended).
    // 1 = new, or claimed by an earlier run of this job (a retry with the same idempotency key) or by a run that
    // failed; 2 = this run claimed it already (a duplicate inside the job); 0 = sent, or claimed by another live job.
    private const string ClaimLua =
        """
        local result = {}
        for index, key in ipairs(KEYS) do
          -- Most rows are new: one SET NX GET claims them and reads the holder of the others.
          local holder = redis.call('SET', key, ARGV[1], 'EX', ARGV[3], 'NX', 'GET')
          if not holder then
            result[index] = 1
          elseif holder == ARGV[1] then
            result[index] = 2
          elseif string.sub(holder, 1, #ARGV[2]) == ARGV[2]
              or (string.sub(holder, 1, 5) ~= 'sent:' and redis.call('EXISTS', ARGV[4] .. holder) == 1) then
            redis.call('SET', key, ARGV[1], 'EX', ARGV[3])
            result[index] = 1
          else
            result[index] = 0
          end
        end
        return result
        """;

    // One command a batch rather than one SET a row.
    private const string CommitLua =
        """
        for _, key in ipairs(KEYS) do
          redis.call('SET', key, ARGV[1], 'EX', ARGV[2])
        end
        return #KEYS
        """;

    public bool Enabled => options.Value.WindowDays > 0;

    private const string FailedRunPrefix = "submitter:failed-run:";

    public static RedisKey KeyOf(string rowId) => "submitter:row:" + rowId;

    /// <summary>What one run of a job writes into the rows it claims.</summary>
    public static string Claimant(Guid jobId, Guid runId) => $"{jobId:N}:{runId:N}";

    /// <summary>Claims each row for this run of the job; says which rows the job may send.</summary>
    public async Task<RowClaim[]> ClaimAsync(IReadOnlyList<string> rowIds, Guid jobId, Guid runId)
    {
        if (!Enabled || rowIds.Count == 0)
        {
            return Enumerable.Repeat(RowClaim.Claimed, rowIds.Count).ToArray();
        }

        var keys = rowIds.Select(KeyOf).ToArray();
        var result = await redis.Database.ScriptEvaluateAsync(ClaimLua, keys, [Claimant(jobId, runId), $"{jobId:N}:", options.Value.PendingClaimSeconds, redis.Prefix + FailedRunPrefix]);
        return ((RedisResult[])result!).Select(value => (RowClaim)(int)value).ToArray();
    }

    /// <summary>Dry run: which rows were already sent or claimed (reads only).</summary>
    public async Task<bool[]> SeenAsync(IReadOnlyList<string> rowIds)
    {
        if (!Enabled || rowIds.Count == 0)
        {
            return new bool[rowIds.Count];
        }

        var batch = redis.Database.CreateBatch();
        var checks = rowIds.Select(id => batch.KeyExistsAsync(KeyOf(id))).ToArray();
        batch.Execute();
        return await Task.WhenAll(checks);
    }

    /// <summary>
    /// The rows' batch is in the broker (or durably held): mark them sent for the whole window. The value changes from
    /// the job id to <c>sent:</c>, so even a retry of the same job skips them.
    /// </summary>
    public async Task CommitAsync(IEnumerable<string> rowIds, Guid jobId)
    {
        if (!Enabled)
        {
            return;
        }

        // "sent:" alone, not the job too: the value is paid for on every row for the whole window (32 bytes a row).
        RedisValue[] values = ["sent:", (long)TimeSpan.FromDays(options.Value.WindowDays).TotalSeconds];
        foreach (var chunk in rowIds.Select(KeyOf).Chunk(1000))
        {
            await redis.Database.ScriptEvaluateAsync(CommitLua, chunk, values);
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
            await redis.Database.ScriptEvaluateAsync(ReleaseScript, chunk.Select(KeyOf).ToArray(), [claimant]);
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
