using System.Globalization;

namespace ClayBus.Monitor.Lineage;

/// <summary>
/// The row hash <c>row:{claybus_row_id}</c> in one-letter fields, the only per-row key kept for the lineage
/// retention: field names and values are paid for on every row for 30 days, so times are Unix milliseconds, ids are
/// 32 hex digits and empty fields are not written. Rows written before this layout (long names, ISO times, a
/// separate <c>callback:{job}:{row}</c> mark) still read: <see cref="ToLineage"/> takes either.
/// </summary>
public static class RowFields
{
    public const string Job = "j";
    public const string Table = "t";
    public const string Batch = "b";
    public const string Webhook = "w";
    public const string SentAt = "s";
    public const string CreditsReserved = "c";

    /// <summary>The callback mark: <c>0</c> settled but its row event not yet confirmed published, <c>1</c> published.</summary>
    public const string Mark = "m";
    public const string Outcome = "o";
    public const string Provider = "p";
    public const string DataCredits = "d";
    public const string Actions = "a";
    public const string CalledBackAt = "k";
    public const string Callbacks = "n";
    public const string CallbackNotes = "e";
    public const string CreditsUnknown = "u";
    public const string DeadLetteredAt = "x";
    public const string DeadLetterReason = "r";

    public static string Time(DateTimeOffset at) => at.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);

    /// <summary>One row's story from its hash, in either layout.</summary>
    public static RowLineage ToLineage(string rowId, IReadOnlyDictionary<string, string> row)
    {
        string? Field(string compact, string old) => row.GetValueOrDefault(compact) ?? row.GetValueOrDefault(old);
        var deadLetteredAt = At(Field(DeadLetteredAt, "deadLetteredAt"));
        var callbacks = Whole(row.GetValueOrDefault(Callbacks)) + Whole(row.GetValueOrDefault("callbacks"));
        return new RowLineage(
            rowId,
            Guid.TryParse(Field(Job, "job") ?? row.GetValueOrDefault("callbackJob"), out var job) ? job : null,
            Field(Table, "table"),
            Guid.TryParse(Field(Batch, "batch"), out var batch) ? batch : null,
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
            Field(CreditsUnknown, "creditsUnknown") == "1");
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
