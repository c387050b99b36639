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
    // Field q: '<claimant>|<until s>' while claimed, 's|<sent at s>' once sent. The hash lives as long as its longest
    // use: a claim or a commit only ever lengthens its TTL (the Monitor's lineage retention may be longer).
    private const string Mark = """
        local function live(key, old, now, window)
          local q = redis.call('HGET', key, 'q')
          if q then
            local who, at = string.match(q, '^(.*)|(%d+)$')
            if who == 's' then
              if tonumber(at) + window > now then return 'sent:' end
            elseif who and tonumber(at) > now then
              return who
            end
            return nil
          end
          local v = redis.call('GET', old)
          if v then return v end
          return nil
        end
        local function hold(key, value, ttl)
          redis.call('HSET', key, 'q', value)
          if redis.call('TTL', key) < ttl then redis.call('EXPIRE', key, ttl) end
        end
        """;

    // KEYS: pairs (row hash, mark of the old layout). ARGV[1] = this run's claimant '<job>:<run>', ARGV[2] = '<job>:'
    // (any run of the job), ARGV[3] = the claim's TTL, ARGV[4] = the prefixed name of failed-run markers (a claimant is
    // appended), ARGV[5] = the window in seconds.
    // 1 = new, or claimed by an earlier run of this job (a retry with the same idempotency key) or by a run that
    // failed; 2 = this run claimed it already (a duplicate inside the job); 0 = sent, or claimed by another live job.
    private const string ClaimLua = Mark + "\n" + """
        local now = tonumber(redis.call('TIME')[1])
        local pending, window = tonumber(ARGV[3]), tonumber(ARGV[5])
        local result = {}
        for i = 1, #KEYS, 2 do
          local holder = live(KEYS[i], KEYS[i + 1], now, window)
          local code = 0
          if not holder then
            code = 1
          elseif holder == ARGV[1] then
            code = 2
          elseif string.sub(holder, 1, #ARGV[2]) == ARGV[2]
              or (string.sub(holder, 1, 5) ~= 'sent:' and redis.call('EXISTS', ARGV[4] .. holder) == 1) then
            code = 1
          end
          if code == 1 then hold(KEYS[i], ARGV[1] .. '|' .. (now + pending), pending) end
          result[#result + 1] = code
        end
        return result
        """;

    // One command a batch rather than one write a row. ARGV[1] = the window in seconds.
    private const string CommitLua = Mark + "\n" + """
        local now = tonumber(redis.call('TIME')[1])
        for _, key in ipairs(KEYS) do hold(key, 's|' .. now, tonumber(ARGV[1])) end
        return #KEYS
        """;

    // ARGV[1] = the claimant. Frees only rows this run still holds; the hash goes with its last field.
    private const string ReleaseScript = """
        local released = 0
        for _, key in ipairs(KEYS) do
          local q = redis.call('HGET', key, 'q')
          if q and string.sub(q, 1, #ARGV[1] + 1) == ARGV[1] .. '|' then
            redis.call('HDEL', key, 'q')
            released = released + 1
          end
        end
        return released
        """;

    // KEYS: pairs as for a claim. ARGV[1] = the window in seconds. 1 = sent or claimed.
    private const string SeenLua = Mark + "\n" + """
        local now = tonumber(redis.call('TIME')[1])
        local result = {}
        for i = 1, #KEYS, 2 do
          result[#result + 1] = live(KEYS[i], KEYS[i + 1], now, tonumber(ARGV[1])) and 1 or 0
        end
        return result
        """;

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

        var result = await redis.Database.ScriptEvaluateAsync(ClaimLua, Pairs(rowIds), [Claimant(jobId, runId), Short(jobId) + ":", options.Value.PendingClaimSeconds, redis.Prefix + FailedRunPrefix, WindowSeconds]);
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
        var chunks = await Task.WhenAll(rowIds.Chunk(500).Select(chunk => redis.Database.ScriptEvaluateAsync(SeenLua, Pairs(chunk), [WindowSeconds])));
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
            await redis.Database.ScriptEvaluateAsync(CommitLua, chunk, [WindowSeconds]);
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
