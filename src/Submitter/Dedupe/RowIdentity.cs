using System.Security.Cryptography;
using System.Text;
using ClayBus.Submitter.Validation;

namespace ClayBus.Submitter.Dedupe;

/// <summary>
/// The stable <c>claybus_row_id</c>: SHA-256 of the table key and the normalised identity (the email; else the domain
/// and the lowercased names), as 32 hex characters. The same lead sent to the same table always gets the same id,
/// which is what dedupe, Clay's auto-dedupe column and callback correlation all rely on.
/// </summary>
public static class RowIdentity
{
    public static string RowId(string tableKey, Lead lead) => Convert.ToHexStringLower(Hash(tableKey, lead), 0, 16);

    /// <summary>The first 16 bytes of the hash: what the in-job set keeps (16 bytes a row instead of a string).</summary>
    public static UInt128 Compact(string rowId) => UInt128.Parse(rowId, System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture);

    public static string Identity(Lead lead) =>
        lead.Email is not null
            ? "email:" + lead.Email
            : $"domain:{lead.Domain}|{lead.FirstName?.ToLowerInvariant()}|{lead.LastName?.ToLowerInvariant()}";

    private static byte[] Hash(string tableKey, Lead lead) =>
        SHA256.HashData(Encoding.UTF8.GetBytes(tableKey.ToLowerInvariant() + "\n" + Identity(lead)));
}
