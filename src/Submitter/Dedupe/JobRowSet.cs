namespace ClayBus.Submitter.Dedupe;

/// <summary>
/// Row ids already seen in this job, 16 bytes each (a 1M-row job holds about 32 MB here, against ~120 MB as strings).
/// 128 bits of SHA-256 make an accidental collision negligible (about 1 in 10^26 for a million rows).
/// </summary>
public sealed class JobRowSet
{
    private readonly HashSet<UInt128> _seen = [];

    public int Count => _seen.Count;

    /// <summary>True the first time a row id is seen in the job.</summary>
    public bool Add(string rowId) => _seen.Add(RowIdentity.Compact(rowId));
}
