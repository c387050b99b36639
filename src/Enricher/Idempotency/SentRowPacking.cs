namespace ClayBus.Enricher.Idempotency;

/// <summary>
/// How a sent row is kept in its job's claims hash: a <c>claybus_row_id</c> (32 lowercase hex digits) becomes 16
/// bytes appended to the field <c>s|</c> + its first 3 digits, so a job's sent rows share at most 4,096 fields
/// (about 17 B a row in a 50,000-row job instead of 90 for one field a row). Another id (not one the Submitter
/// makes) keeps one text field a row. The Lua in <see cref="RowClaimsScripts"/> finds and appends exactly as here.
/// </summary>
public static class SentRowPacking
{
    public const int EntryBytes = 16;
    private const int BucketDigits = 3;

    /// <summary>The field prefix of a bucket; no text row id or proof field starts with it.</summary>
    public const string BucketPrefix = "s|";

    /// <summary>The bucket field then the row's 16 bytes, as the scripts take it; empty for an id kept as text.</summary>
    public static byte[] Pack(string rowId) =>
        Bucket(rowId) is { } bucket ? [.. System.Text.Encoding.ASCII.GetBytes(bucket), .. Entry(rowId)] : [];

    /// <summary>The bucket field a row id is kept under, or null for an id kept as text.</summary>
    public static string? Bucket(string rowId) => IsPackable(rowId) ? BucketPrefix + rowId[..BucketDigits] : null;

    /// <summary>Whether a bucket's value holds the row: a match counts only at a multiple of 16 bytes.</summary>
    public static bool Contains(ReadOnlySpan<byte> bucket, ReadOnlySpan<byte> entry)
    {
        for (var at = 0; at + EntryBytes <= bucket.Length; at += EntryBytes)
        {
            if (bucket.Slice(at, EntryBytes).SequenceEqual(entry))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The bucket with the row added, unless it is there already.</summary>
    public static byte[] Add(ReadOnlySpan<byte> bucket, ReadOnlySpan<byte> entry) =>
        Contains(bucket, entry) ? bucket.ToArray() : [.. bucket, .. entry];

    /// <summary>The row's 16 bytes (what a bucket holds), or empty for an id kept as text.</summary>
    public static byte[] Entry(string rowId) => IsPackable(rowId) ? Convert.FromHexString(rowId) : [];

    // Only the Submitter's lowercase ids: an uppercase twin is a different text id and must not share its bytes.
    private static bool IsPackable(string rowId) =>
        rowId.Length == EntryBytes * 2 && rowId.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f'));
}
