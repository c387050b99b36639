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

/// <summary>What <see cref="CallbackStore.Record"/> did.</summary>
/// <param name="PendingRows">When new: rows the job gathered since its last progress message.</param>
/// <param name="DeliveredJob">The job of the row's delivery record, when the ledger read it.</param>
/// <param name="Settled">For <see cref="CallbackRecord.DuplicateUnpublished"/>: the row as its first callback settled it.</param>
public readonly record struct CallbackRecording(CallbackRecord Record, long PendingRows, Guid? DeliveredJob = null, ClayCallback? Settled = null);

/// <summary>
/// Row-level facts in Redis, so the job saga never sees a single callback: one Lua call per callback marks the row
/// and writes its outcome in the row's lineage hash (<c>row:{row}</c>, idempotent), bumps the job's absolute counters
/// (<c>progress:{job}</c>) and flags the job for the progress aggregator (<c>progress:dirty</c>).
/// </summary>
public sealed class CallbackStore(RedisKeyspace redis, IOptions<CallbackOptions> options)
{
    public const string DirtyJobsKey = "progress:dirty";

    public const string RefusedKey = "callbacks:refused";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Settles the callback if its row's delivery record allows it (one Lua call), or parks or refuses it.</summary>
    /// <param name="jobId">The job the callback names, or (after <see cref="CallbackRecord.JobFromDelivery"/>) its delivery's.</param>
    public async Task<CallbackRecording> Record(ClayCallback callback, Guid? jobId, string tableKey, DateTimeOffset now)
    {
        var retention = (long)options.Value.RowRetention.TotalMilliseconds;
        var parked = JsonSerializer.Serialize(new ParkedCallback(callback, tableKey, now), Json);
        // A job-less callback touches no job key before the delivery names its job (code 7).
        var keyJob = jobId ?? Guid.Empty;
        var result = (RedisResult[])(await CallbackStoreScripts.Record.EvaluateAsync(
            redis.Database,
            [
                ("row_key", RowKey(callback.RowId)), ("old_mark_key", MarkKey(keyJob, callback.RowId)), ("progress_key", ProgressKey(keyJob)),
                ("dirty_key", DirtyJobsKey), ("parked_key", ParkedKey(callback.RowId)), ("refused_key", RefusedKey),
            ],
            [
                ("callback_job", jobId?.ToString() ?? ""), ("table_key", tableKey), ("outcome", callback.Status),
                ("credits", callback.DataCredits.ToString(CultureInfo.InvariantCulture)), ("actions", callback.Actions),
                ("now_ms", now.ToUnixTimeMilliseconds()), ("retention_ms", retention), ("parked", parked),
                ("provider", callback.SuccessfulProvider ?? ""), ("notes", string.Join("; ", callback.Notes ?? [])),
                ("credits_unknown", callback.CreditsUnknown ? 1 : 0), ("callback_job_n", jobId?.ToString("N") ?? ""),
                ("batch_prefix", redis.Prefix + "batch:"),
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
        CallbackStoreScripts.MarkPublished.EvaluateAsync(
            redis.Database,
            [("row_key", RowKey(callback.RowId)), ("old_mark_key", MarkKey(jobId, callback.RowId))],
            []);

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
        var flat = (RedisResult[])(await CallbackStoreScripts.TakeProgress.EvaluateAsync(
            redis.Database,
            [("progress_key", ProgressKey(jobId))],
            []))!;
        return flat.Length == 0 ? null : JobCallbackCounters.From(flat);
    }

    /// <returns><c>false</c> when a callback counted after <paramref name="published"/> was read: the job stays dirty.</returns>
    public async Task<bool> SettleDirty(Guid jobId, JobCallbackCounters? published)
    {
        var version = published?.Version.ToString(CultureInfo.InvariantCulture) ?? "";
        return (long)(await CallbackStoreScripts.SettleDirty.EvaluateAsync(
            redis.Database,
            [("progress_key", ProgressKey(jobId)), ("dirty_key", DirtyJobsKey)],
            [("job", jobId.ToString()), ("published_version", version)])) == 1;
    }

    public static RedisKey RowKey(string rowId) => "row:" + rowId;

    // Written only by versions before the mark moved into the row's hash; read until their retention ends.
    private static RedisKey MarkKey(Guid jobId, string rowId) => $"callback:{jobId:N}:{rowId}";

    private static RedisKey ProgressKey(Guid jobId) => $"progress:{jobId:N}";

    private static RedisKey ParkedKey(string rowId) => "callback-parked:" + rowId;
}

/// <summary>A callback that arrived before its row's delivery was known, with the table from its URL.</summary>
public sealed record ParkedCallback(ClayCallback Callback, string TableKey, DateTimeOffset ReceivedAt);
