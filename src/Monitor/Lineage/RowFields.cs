using System.Globalization;

namespace ClayBus.Monitor.Lineage;

/// <summary>
/// A row's lineage in one-letter fields, split in two so that what a batch shares is paid for once: the batch hash
/// <c>batch:{batch}</c> holds the job, table, webhook, sent time, credits reserved a row, source and file (and a
/// dead letter); the row hash <c>row:{claybus_row_id}</c> only the row's own fields (its batch, input row number and
/// callback). Field names and values are paid for on every row for 30 days, so times are Unix milliseconds, the batch
/// is named by its 22-character <see cref="BatchRef"/> and empty fields are not written. Rows written before the split
/// (every field in the row hash, or long names and a separate <c>callback:{job}:{row}</c> mark) still read:
/// <see cref="ToLineage"/> takes any of them.
/// </summary>
public static class RowFields
{
    public const string Job = "j";
    public const string Table = "t";
    public const string Batch = "b";
    public const string Webhook = "w";
    public const string SentAt = "s";
    public const string CreditsReserved = "c";

    /// <summary>Batch field: the job's source (API key name, or the source a message named).</summary>
    public const string Source = "g";

    /// <summary>Batch field: the uploaded CSV's file name.</summary>
    public const string FileName = "f";

    /// <summary>Row field: the row's number in the job's input.</summary>
    public const string RowNumber = "i";

    /// <summary>The callback mark: <c>0</c> settled but its row event not yet confirmed published, <c>1</c> published.</summary>
    public const string Mark = "m";
    public const string Outcome = "o";
    public const string Provider = "p";
    public const string DataCredits = "d";
    public const string Actions = "a";
    public const string CalledBackAt = "k";

    /// <summary>Callbacks after the first (split layout) or all of them (before it).</summary>
    public const string Callbacks = "n";
    public const string CallbackNotes = "e";
    public const string CreditsUnknown = "u";
    public const string DeadLetteredAt = "x";
    public const string DeadLetterReason = "r";

    /// <summary>The batch hash's name for a batch: its id in URL-safe base64, 22 characters instead of 32.</summary>
    public static string BatchRef(Guid batchId) =>
        Convert.ToBase64String(batchId.ToByteArray()).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>A batch id as a row holds it: a <see cref="BatchRef"/>, or 32 hex digits (before the split).</summary>
    public static Guid? BatchId(string? text)
    {
        if (Guid.TryParse(text, out var id))
        {
            return id;
        }

        if (text is not { Length: 22 })
        {
            return null;
        }

        var bytes = new byte[16];
        return Convert.TryFromBase64String(text.Replace('-', '+').Replace('_', '/') + "==", bytes, out var written) && written == 16 ? new Guid(bytes) : null;
    }

    /// <summary>Whether a row hash is of the split layout: it names its batch but holds no job of its own.</summary>
    public static bool IsSplit(IReadOnlyDictionary<string, string> row) =>
        row.ContainsKey(Batch) && !row.ContainsKey(Job) && !row.ContainsKey("job");

    public static string Time(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>One row's story from its hash and, in the split layout, its batch's hash (row fields win).</summary>
    public static RowLineage ToLineage(string rowId, IReadOnlyDictionary<string, string> row, IReadOnlyDictionary<string, string>? batch = null)
    {
        string? Field(string compact, string old) =>
            row.GetValueOrDefault(compact) ?? batch?.GetValueOrDefault(compact) ?? row.GetValueOrDefault(old);
        var deadLetteredAt = At(Field(DeadLetteredAt, "deadLetteredAt"));
        var firstCallback = IsSplit(row) && row.ContainsKey(Mark) ? 1 : 0;
        var callbacks = firstCallback + Whole(row.GetValueOrDefault(Callbacks)) + Whole(row.GetValueOrDefault("callbacks"));
        return new RowLineage(
            rowId,
            Guid.TryParse(Field(Job, "job") ?? row.GetValueOrDefault("callbackJob"), out var job) ? job : null,
            Field(Table, "table"),
            BatchId(Field(Batch, "batch")),
            Field(Webhook, "webhook"),
            At(Field(SentAt, "sentAt")),
            Number(Field(CreditsReserved, "creditsReserved")),
            Field(Outcome, "outcome") ?? (deadLetteredAt is not null ? "dead_lettered" : "awaiting_callback"),
            NullIfEmpty(Field(Provider, "provider")),
            Number(Field(DataCredits, "dataCredits")),
            int.TryParse(Field(Actions, "actions"), CultureInfo.InvariantCulture, out var actions) ? actions : null,
            At(Field(CalledBackAt, "calledBackAt")),
            (int)callbacks,
            deadLetteredAt,
            Field(DeadLetterReason, "deadLetterReason"),
            NullIfEmpty(Field(CallbackNotes, "callbackNotes")),
            Field(CreditsUnknown, "creditsUnknown") == "1",
            NullIfEmpty(Field(Source, "source")),
            NullIfEmpty(Field(FileName, "fileName")),
            int.TryParse(row.GetValueOrDefault(RowNumber), CultureInfo.InvariantCulture, out var number) ? number : null);
    }

    /// <summary>Unix milliseconds (this layout, and callbacks of the old one) or an ISO 8601 time (deliveries of the old one).</summary>
    private static DateTimeOffset? At(string? text) =>
        long.TryParse(text, CultureInfo.InvariantCulture, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
        : DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at
        : null;

    private static decimal? Number(string? text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : null;

    private static long Whole(string? text) => long.TryParse(text, CultureInfo.InvariantCulture, out var value) ? value : 0;

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}
