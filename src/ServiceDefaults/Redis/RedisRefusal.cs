using StackExchange.Redis;

namespace ClayBus.ServiceDefaults.Redis;

/// <summary>Why Redis cannot take a command right now; <see cref="None"/> for everything that is not an outage.</summary>
public enum RedisRefusalKind
{
    /// <summary>Not a Redis outage: a real fault, handled as one.</summary>
    None,

    /// <summary>No connection, or no answer in time.</summary>
    Unreachable,

    /// <summary>The node is (or just became) a replica, lost its primary, or has too few replicas to write (a failover).</summary>
    ReadOnly,

    /// <summary>The node is loading its data set or busy with a script (a restart).</summary>
    Loading,

    /// <summary>maxmemory reached with noeviction: writes refused until memory is freed.</summary>
    Full,

    /// <summary>A Redis Cluster without a quorum or moving slots.</summary>
    ClusterDown,
}

/// <summary>
/// Tells a Redis outage from a fault. During a Sentinel failover, a restart or a full Redis, commands are refused with
/// an error code (<c>READONLY</c>, <c>LOADING</c>, <c>OOM</c>, …) rather than a lost connection, and those refusals end
/// by themselves: the caller waits them out (pauses, retries uncounted) instead of dead-lettering the message.
/// </summary>
public static class RedisRefusal
{
    private static readonly (string Code, RedisRefusalKind Kind)[] ServerCodes =
    [
        ("READONLY", RedisRefusalKind.ReadOnly),
        ("MASTERDOWN", RedisRefusalKind.ReadOnly),
        ("NOREPLICAS", RedisRefusalKind.ReadOnly),
        ("LOADING", RedisRefusalKind.Loading),
        ("BUSY", RedisRefusalKind.Loading),
        ("OOM", RedisRefusalKind.Full),
        ("TRYAGAIN", RedisRefusalKind.ClusterDown),
        ("CLUSTERDOWN", RedisRefusalKind.ClusterDown),
        // EXEC of a MULTI whose queued write Redis refused (OOM when full, READONLY in a failover, both seen here):
        // the reason is not in the message, and our transactions hold no command that could fail otherwise.
        ("EXECABORT", RedisRefusalKind.Full),
    ];

    /// <summary>The refusal behind <paramref name="exception"/> or any exception it wraps (a saga store's, a task's).</summary>
    public static RedisRefusalKind Classify(Exception? exception)
    {
        for (var depth = 0; exception is not null && depth < 8; depth++)
        {
            switch (exception)
            {
                case RedisConnectionException or RedisTimeoutException:
                    return RedisRefusalKind.Unreachable;
                case RedisServerException server:
                    return OfErrorKind(server.Kind) is var kind && kind != RedisRefusalKind.None ? kind : OfServerError(server.Message);
                case AggregateException { InnerExceptions.Count: > 0 } aggregate:
                    exception = aggregate.InnerExceptions[0];
                    continue;
            }

            exception = exception.InnerException;
        }

        return RedisRefusalKind.None;
    }

    public static bool IsOutage(Exception exception) => Classify(exception) != RedisRefusalKind.None;

    /// <summary>
    /// The error code at the start of a server error (<c>OOM command not allowed…</c>), or the one a Lua script's
    /// <c>redis.call</c> passed on inside an <c>ERR Error running script … -READONLY …</c> message.
    /// </summary>
    public static RedisRefusalKind OfServerError(string message)
    {
        // No code of its own: WAIT sent to a node that a failover just made a replica.
        if (message.StartsWith(WaitOnReplica, StringComparison.Ordinal))
        {
            return RedisRefusalKind.ReadOnly;
        }

        foreach (var (code, kind) in ServerCodes)
        {
            if (StartsWithCode(message, code) || message.Contains("-" + code + " ", StringComparison.Ordinal))
            {
                return kind;
            }
        }

        return RedisRefusalKind.None;
    }

    /// <summary>The client's own reading of the error code, where it made one (a script's errors it may not).</summary>
    public static RedisRefusalKind OfErrorKind(RedisErrorKind kind) => kind switch
    {
        RedisErrorKind.ReadOnly or RedisErrorKind.MasterDown or RedisErrorKind.NoReplicas => RedisRefusalKind.ReadOnly,
        RedisErrorKind.Loading or RedisErrorKind.Busy => RedisRefusalKind.Loading,
        RedisErrorKind.OutOfMemory => RedisRefusalKind.Full,
        RedisErrorKind.TryAgain or RedisErrorKind.ClusterDown => RedisRefusalKind.ClusterDown,
        _ => RedisRefusalKind.None,
    };

    /// <summary>The short name shown in pause details, readiness and logs, e.g. <c>redis-readonly</c>.</summary>
    public static string Tag(RedisRefusalKind kind) => kind switch
    {
        RedisRefusalKind.Unreachable => "redis-unreachable",
        RedisRefusalKind.ReadOnly => "redis-readonly",
        RedisRefusalKind.Loading => "redis-loading",
        RedisRefusalKind.Full => "redis-full",
        RedisRefusalKind.ClusterDown => "redis-clusterdown",
        _ => "redis-ok",
    };

    /// <summary>The start of Redis's answer to WAIT on a replica.</summary>
    public const string WaitOnReplica = "ERR WAIT cannot be used with replica instances";

    private static bool StartsWithCode(string message, string code) =>
        message.StartsWith(code, StringComparison.Ordinal)
        && (message.Length == code.Length || message[code.Length] == ' ');
}
