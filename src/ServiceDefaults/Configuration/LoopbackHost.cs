using System.Net;

namespace ClayBus.ServiceDefaults.Configuration;

/// <summary>Whether a configured host name is this machine, where development servers may run without credentials.</summary>
public static class LoopbackHost
{
    public static bool Is(string? host) =>
        host is not null
        && (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address)));
}
