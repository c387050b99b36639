using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Submitter.Dedupe;

/// <summary>
/// Rows sent in the last <see cref="DedupeOptions.WindowDays"/> days: one Redis key per row id, valued with the job
/// that claimed it. A job claims its rows (short TTL) before publishing and commits them (full TTL) once the broker
/// confirmed their batch, so a crash between the two never makes a lead look sent when it was not.
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

    // 1 = new, or already claimed by this same job (a retry with the same idempotency key); 0 = another job has it.
    private const string ClaimLua =
        """
        local result = {}
        for index, key in ipairs(KEYS) do
          if redis.call('SET', key, ARGV[1], 'NX', 'EX', ARGV[2]) then
            result[index] = 1
          elseif redis.call('GET', key) == ARGV[1] then
            result[index] = 1
          else
            result[index] = 0
          end
        end
        return result
        """;

    public bool Enabled => options.Value.WindowDays > 0;

    public static RedisKey KeyOf(string rowId) => "submitter:row:" + rowId;

    /// <summary>Claims each row for the job; returns which rows the job may send.</summary>
    public async Task<bool[]> ClaimAsync(IReadOnlyList<string> rowIds, Guid jobId)
    {
        if (!Enabled || rowIds.Count == 0)
        {
            return Enumerable.Repeat(true, rowIds.Count).ToArray();
        }

        var keys = rowIds.Select(KeyOf).ToArray();
        var result = await redis.Database.ScriptEvaluateAsync(ClaimLua, keys, [jobId.ToString("N"), options.Value.PendingClaimSeconds]);
        return ((RedisResult[])result!).Select(value => (int)value == 1).ToArray();
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

        var window = TimeSpan.FromDays(options.Value.WindowDays);
        var batch = redis.Database.CreateBatch();
        var sent = "sent:" + jobId.ToString("N");
        var writes = rowIds.Select(id => batch.StringSetAsync(KeyOf(id), sent, window)).ToArray();
        batch.Execute();
        await Task.WhenAll(writes);
    }

    /// <summary>The job failed or was rejected before these rows went out: free them for the next submission.</summary>
    public async Task ReleaseAsync(IReadOnlyList<string> rowIds, Guid jobId)
    {
        if (!Enabled || rowIds.Count == 0)
        {
            return;
        }

        foreach (var chunk in rowIds.Chunk(1000))
        {
            await redis.Database.ScriptEvaluateAsync(ReleaseScript, chunk.Select(KeyOf).ToArray(), [jobId.ToString("N")]);
        }
    }
}
