using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace ClayBus.Submitter.Routing;

/// <summary>A table temporarily routed to a variant (provider health), except a probe share of its rows.</summary>
public sealed record TableReroute(string TableKey, string RouteToTableKey, double ProbeShare, string Reason, DateTimeOffset At)
{
    /// <summary>
    /// Where a row of <see cref="TableKey"/> goes. The probe choice hashes the row id, so it is stable (a row resent
    /// goes the same way) and needs no shared counter between Submitter instances.
    /// </summary>
    public string Destination(string rowId) => IsProbe(rowId, ProbeShare) ? TableKey : RouteToTableKey;

    public static bool IsProbe(string rowId, double probeShare)
    {
        if (probeShare <= 0)
        {
            return false;
        }

        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes("probe:" + rowId), hash);
        var unit = BinaryPrimitives.ReadUInt64BigEndian(hash) / (double)ulong.MaxValue;
        return unit < probeShare;
    }
}
