using System.Globalization;
using System.Text.Json;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Monitor.Callbacks;

public enum CallbackRecord
{
    /// <summary>First callback for the row: counted, its row event must be published.</summary>
    New,

    /// <summary>Seen and published before: counted as a duplicate only.</summary>
    Duplicate,

    /// <summary>Seen before but its row event was never confirmed published: publish it again.</summary>
    DuplicateUnpublished,

    /// <summary>No delivery of this row is known (yet): parked until its BatchDelivered arrives, counted nowhere.</summary>
    UnknownRow,

    /// <summary>As <see cref="UnknownRow"/>, for a row already parked: the newer callback replaces the parked one.</summary>
    UnknownRowAgain,

    /// <summary>The row was delivered for another job: nothing moved, counted in <c>callbacks:refused</c>.</summary>
    ForgedOtherJob,

    /// <summary>The row was delivered to another table than the URL's: nothing moved, counted.</summary>
    ForgedOtherTable,

    /// <summary>The callback names no job and the row's delivery is known now: record again with <see cref="CallbackRecording.DeliveredJob"/>.</summary>
    JobFromDelivery,
}

/// <summary>What <see cref="CallbackLedger.Record"/> did.</summary>
/// <param name="PendingRows">When new: rows the job gathered since its last progress message.</param>
/// <param name="DeliveredJob">The job of the row's delivery record, when the ledger read it.</param>
/// <param name="Settled">For <see cref="CallbackRecord.DuplicateUnpublished"/>: the row as its first callback settled it.</param>
public readonly record struct CallbackRecording(CallbackRecord Record, long PendingRows, Guid? DeliveredJob = null, ClayCallback? Settled = null);

/// <summary>
/// Row-level facts in Redis, so the job saga never sees a single callback: one Lua call per callback marks the row
/// and writes its outcome in the row's lineage hash (<c>row:{row}</c>, idempotent), bumps the job's absolute counters
/// (<c>progress:{job}</c>) and flags the job for the progress aggregator (<c>progress:dirty</c>).
/// </summary>
public sealed class CallbackLedger(RedisKeyspace redis, IOptions<CallbackOptions> options)
{
    public const string DirtyJobsKey = "progress:dirty";

    public const string RefusedKey = "callbacks:refused";

    // KEYS: row lineage, callback mark of the old layout (read only), job progress, dirty set, parked callback, refused
    // counter. ARGV: job ("" when the callback names none), table, outcome, credits, actions, now ms, retention ms,
    // parked json, provider, notes, credits unknown (0/1), job in the compact form, the prefixed name of batch hashes
    // (the row's batch ref is appended: a key the row names, read only).
    // The delivery checks are CallbackVerdict.OfDelivery, executed here so that nothing can slip between them and the
    // settlement; the job and table of a refused callback are never written anywhere. The row's fields are the compact
    // ones of RowFields, its job and table in its batch's hash; rows written before the split (job and table in the
    // row) or before the compact names (long names, a separate mark key) still read. The first callback writes no
    // count ('n' counts the repeats): a field less on every row.
    private const string RecordScript = """
        local delivery = redis.call('HMGET', KEYS[1], 'j', 't', 'job', 'table', 'b')
        local job, tbl = delivery[1] or delivery[3], delivery[2] or delivery[4]
        if not job and delivery[5] then
          local shared = redis.call('HMGET', ARGV[13] .. delivery[5], 'j', 't')
          job, tbl = shared[1], shared[2]
        end
        if not job then
          local again = redis.call('EXISTS', KEYS[5])
          redis.call('SET', KEYS[5], ARGV[8], 'PX', ARGV[7])
          if again == 1 then return {4, 0} end
          return {3, 0}
        end
        if ARGV[1] == '' then return {7, 0, job} end
        if job ~= ARGV[1] and job ~= ARGV[12] then
          redis.call('HINCRBY', KEYS[6], 'forged_other_job', 1)
          return {5, 0}
        end
        if tbl ~= ARGV[2] then
          redis.call('HINCRBY', KEYS[6], 'forged_other_table', 1)
          return {6, 0}
        end
        local mark = redis.call('HGET', KEYS[1], 'm') or redis.call('GET', KEYS[2])
        if mark then
          redis.call('HINCRBY', KEYS[1], 'n', 1)
          if mark == '0' or mark == 'pending' then
            local f = redis.call('HMGET', KEYS[1], 'o', 'p', 'd', 'a', 'u', 'outcome', 'provider', 'dataCredits', 'actions', 'creditsUnknown')
            return {2, 0, f[1] or f[6] or '', f[2] or f[7] or '', f[3] or f[8] or '0', f[4] or f[9] or '0', f[5] or f[10] or '0'}
          end
          return {1, 0}
        end
        redis.call('HSET', KEYS[1], 'm', '0', 'o', ARGV[3], 'd', ARGV[4], 'a', ARGV[5], 'k', ARGV[6])
        if delivery[1] or delivery[3] then redis.call('HSET', KEYS[1], 'n', 1) end
        if ARGV[9] ~= '' then redis.call('HSET', KEYS[1], 'p', ARGV[9]) end
        if ARGV[10] ~= '' then redis.call('HSET', KEYS[1], 'e', ARGV[10]) end
        if ARGV[11] == '1' then redis.call('HSET', KEYS[1], 'u', '1') end
        redis.call('HINCRBY', KEYS[3], ARGV[2] .. '|' .. ARGV[3], 1)
        redis.call('HINCRBYFLOAT', KEYS[3], ARGV[2] .. '|credits', ARGV[4])
        redis.call('HINCRBY', KEYS[3], ARGV[2] .. '|actions', ARGV[5])
        redis.call('HSETNX', KEYS[3], '_first', ARGV[6])
        local last = tonumber(redis.call('HGET', KEYS[3], '_last') or '0')
        if tonumber(ARGV[6]) > last then redis.call('HSET', KEYS[3], '_last', ARGV[6]) end
        redis.call('HINCRBY', KEYS[3], '_version', 1)
        local pending = redis.call('HINCRBY', KEYS[3], '_pending', 1)
        redis.call('PEXPIRE', KEYS[3], ARGV[7])
        redis.call('SADD', KEYS[4], ARGV[1])
        return {0, pending}
        """;

    // KEYS: row lineage, callback mark of the old layout. The mark moves from pending to published where it is.
    private const string MarkPublishedScript = """
        if redis.call('HEXISTS', KEYS[1], 'm') == 1 then redis.call('HSET', KEYS[1], 'm', '1') return 1 end
        if redis.call('EXISTS', KEYS[2]) == 1 then redis.call('SET', KEYS[2], 'published', 'KEEPTTL') return 1 end
        return 0
        """;

    // Reads a job's counters and starts a new "rows since last flush" count.
    private const string TakeProgressScript = """
        local all = redis.call('HGETALL', KEYS[1])
        if #all > 0 then redis.call('HSET', KEYS[1], '_pending', 0) end
        return all
        """;

    // KEYS: job progress, dirty set. ARGV: job, the version that was published.
    // The flag goes only if no callback counted since that version was read: a newer one keeps the job dirty.
    private const string SettleScript = """
        local version = redis.call('HGET', KEYS[1], '_version')
        if version == false or version == ARGV[2] then redis.call('SREM', KEYS[2], ARGV[1]) return 1 end
        return 0
        """;

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Settles the callback if its row's delivery record allows it (one Lua call), or parks or refuses it.</summary>
    /// <param name="jobId">The job the callback names, or (after <see cref="CallbackRecord.JobFromDelivery"/>) its delivery's.</param>
    public async Task<CallbackRecording> Record(ClayCallback callback, Guid? jobId, string tableKey, DateTimeOffset now)
    {
        var retention = (long)options.Value.RowRetention.TotalMilliseconds;
        var parked = JsonSerializer.Serialize(new ParkedCallback(callback, tableKey, now), Json);
        // A job-less callback touches no job key before the delivery names its job (code 7).
        var keyJob = jobId ?? Guid.Empty;
        var result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(
            RecordScript,
            [RowKey(callback.RowId), MarkKey(keyJob, callback.RowId), ProgressKey(keyJob), DirtyJobsKey, ParkedKey(callback.RowId), RefusedKey],
            [
                jobId?.ToString() ?? "", tableKey, callback.Status, callback.DataCredits.ToString(CultureInfo.InvariantCulture),
                callback.Actions, now.ToUnixTimeMilliseconds(), retention, parked, callback.SuccessfulProvider ?? "",
                string.Join("; ", callback.Notes ?? []), callback.CreditsUnknown ? 1 : 0, jobId?.ToString("N") ?? "",
                redis.Prefix + "batch:",
            ]))!;
        var record = (int)result[0] switch
        {
            0 => CallbackRecord.New,
            1 => CallbackRecord.Duplicate,
            2 => CallbackRecord.DuplicateUnpublished,
            3 => CallbackRecord.UnknownRow,
            4 => CallbackRecord.UnknownRowAgain,
            5 => CallbackRecord.ForgedOtherJob,
            6 => CallbackRecord.ForgedOtherTable,
            _ => CallbackRecord.JobFromDelivery,
        };
        Guid? delivered = record == CallbackRecord.JobFromDelivery && Guid.TryParse((string?)result[2], out var job) ? job : null;
        return new CallbackRecording(record, (long)result[1], delivered, record == CallbackRecord.DuplicateUnpublished ? FirstSettled(callback, result) : null);
    }

    /// <summary>
    /// The row as its first callback settled it: a repeat that publishes the row event again (because the first was
    /// not confirmed published) must carry the first one's charge, not its own, or the Enricher could settle either.
    /// </summary>
    private static ClayCallback FirstSettled(ClayCallback repeat, RedisResult[] result) => repeat with
    {
        Status = (string?)result[2] is { Length: > 0 } status ? status : repeat.Status,
        SuccessfulProvider = (string?)result[3] is { Length: > 0 } provider ? provider : null,
        DataCredits = decimal.TryParse((string?)result[4], NumberStyles.Float, CultureInfo.InvariantCulture, out var credits) ? credits : 0,
        Actions = int.TryParse((string?)result[5], CultureInfo.InvariantCulture, out var actions) ? actions : 0,
        CreditsUnknown = (string?)result[6] == "1",
    };

    /// <summary>Counts a callback refused before Redis was asked (its amounts), beside the forged ones the script counts.</summary>
    public Task CountRefused(string outcome) => redis.Database.HashIncrementAsync(RefusedKey, outcome);

    /// <summary>Refused callbacks by outcome (<c>forged_other_job</c>, <c>forged_other_table</c>, <c>rejected_amount</c>), over every Monitor.</summary>
    public async Task<IReadOnlyDictionary<string, long>> Refused() =>
        (await redis.Database.HashGetAllAsync(RefusedKey)).ToDictionary(entry => (string)entry.Name!, entry => (long)entry.Value, StringComparer.Ordinal);

    /// <summary>The row event is on the broker: a later duplicate must not publish it again.</summary>
    public Task MarkPublished(ClayCallback callback, Guid jobId) =>
        redis.Database.ScriptEvaluateAsync(MarkPublishedScript, [RowKey(callback.RowId), MarkKey(jobId, callback.RowId)]);

    /// <summary>
    /// The callback parked for a row that was not known when it arrived, if any. It stays parked until
    /// <see cref="ForgetParked"/>: a Monitor killed while settling it settles it again on redelivery, because Clay
    /// was already told 200 and will not call again.
    /// </summary>
    public async Task<ParkedCallback?> PeekParked(string rowId)
    {
        var json = await redis.Database.StringGetAsync(ParkedKey(rowId));
        return json.IsNullOrEmpty ? null : JsonSerializer.Deserialize<ParkedCallback>((string)json!, Json);
    }

    public Task ForgetParked(string rowId) => redis.Database.KeyDeleteAsync(ParkedKey(rowId));

    /// <summary>
    /// Jobs with callbacks not yet published as progress. Reading does not take them: a job leaves the set only in
    /// <see cref="SettleDirty"/>, after its progress is on the broker, so a Monitor killed in between loses nothing
    /// (progress is absolute, and publishing it twice is harmless).
    /// </summary>
    public async Task<IReadOnlyList<Guid>> DirtyJobs(int max)
    {
        var members = await redis.Database.SetRandomMembersAsync(DirtyJobsKey, max);
        return [.. members.Select(member => Guid.Parse((string)member!))];
    }

    public async Task<JobCallbackCounters?> TakeProgress(Guid jobId)
    {
        var flat = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(TakeProgressScript, [ProgressKey(jobId)]))!;
        return flat.Length == 0 ? null : JobCallbackCounters.From(flat);
    }

    /// <returns><c>false</c> when a callback counted after <paramref name="published"/> was read: the job stays dirty.</returns>
    public async Task<bool> SettleDirty(Guid jobId, JobCallbackCounters? published)
    {
        var version = published?.Version.ToString(CultureInfo.InvariantCulture) ?? "";
        return (long)(await redis.Database.ScriptEvaluateAsync(SettleScript, [ProgressKey(jobId), DirtyJobsKey], [jobId.ToString(), version])) == 1;
    }

    public static RedisKey RowKey(string rowId) => "row:" + rowId;

    // Written only by versions before the mark moved into the row's hash; read until their retention ends.
    private static RedisKey MarkKey(Guid jobId, string rowId) => $"callback:{jobId:N}:{rowId}";

    private static RedisKey ProgressKey(Guid jobId) => $"progress:{jobId:N}";

    private static RedisKey ParkedKey(string rowId) => "callback-parked:" + rowId;
}

/// <summary>A callback that arrived before its row's delivery was known, with the table from its URL.</summary>
public sealed record ParkedCallback(ClayCallback Callback, string TableKey, DateTimeOffset ReceivedAt);
