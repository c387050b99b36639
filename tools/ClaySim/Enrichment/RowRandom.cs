namespace ClayBus.ClaySim.Enrichment;

/// <summary>
/// A row's own random stream (SplitMix64), seeded from the workspace seed and the row's hash: a row's fate depends
/// only on the seed and its <c>claybus_row_id</c>, never on which worker took it or when.
/// </summary>
internal struct RowRandom(long seed, ulong rowHash)
{
    private ulong _state = ((ulong)seed * 0x9E3779B97F4A7C15UL) ^ rowHash;

    public ulong NextUInt64()
    {
        var z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, 1).</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
