using ClayBus.ServiceDefaults.Redis;
using StackExchange.Redis;

namespace ClayBus.Enricher.Pausing;

/// <summary>
/// The detail of a <c>LedgerUnavailable</c> pause: which refusal (<c>redis-readonly</c>, <c>redis-full</c>, …) and
/// Redis's own first words, so readiness and <c>DeliveryPaused</c> say whether to wait for a failover or free memory.
/// </summary>
public static class LedgerOutage
{
    private const int MaxServerText = 120;

    public static string Detail(Exception exception)
    {
        var kind = RedisRefusal.Classify(exception);
        var tag = RedisRefusal.Tag(kind);
        var what = kind switch
        {
            RedisRefusalKind.ReadOnly => "Redis refuses writes while a replica is promoted",
            RedisRefusalKind.Full => "Redis is full (maxmemory, noeviction): free memory or raise maxmemory",
            RedisRefusalKind.Loading => "Redis is loading its data",
            RedisRefusalKind.ClusterDown => "the Redis cluster is down",
            _ => "Redis cannot be reached",
        };

        // A server's error text names no endpoint or password; a connection error's might, so only its type is shown.
        var said = Innermost<RedisServerException>(exception) is { } server ? FirstLine(server.Message) : exception.GetType().Name;
        return $"{tag}: {what} ({said})";
    }

    private static T? Innermost<T>(Exception? exception)
        where T : Exception
    {
        for (var depth = 0; exception is not null && depth < 8; depth++, exception = exception.InnerException)
        {
            if (exception is T found)
            {
                return found;
            }
        }

        return null;
    }

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', 2)[0].Trim();
        return line.Length <= MaxServerText ? line : line[..MaxServerText] + "…";
    }
}
