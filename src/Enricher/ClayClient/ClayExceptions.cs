namespace ClayBus.Enricher.ClayClient;

/// <summary>
/// Clay refused the request with a 4xx other than 429: the batch is poison. It goes straight to the dead-letter queue
/// (excluded from message retry) with the status and reason in MassTransit's fault headers. Never holds a secret.
/// </summary>
public sealed class ClayRejectedException : Exception
{
    public ClayRejectedException()
    {
    }

    public ClayRejectedException(string message)
        : base(message)
    {
    }

    public ClayRejectedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public ClayRejectedException(int status, string webhook, string reason)
        : base($"Clay rejected the batch with {status} on webhook {webhook}: {reason}") => Status = status;

    public int Status { get; }
}

/// <summary>
/// Clay kept failing (5xx, timeouts, connection errors, 429s beyond patience) or the webhook's breaker is open: the
/// batch goes back to the queue, and the instance pauses if Clay as a whole looks down. Never holds a secret.
/// </summary>
public sealed class ClayUnavailableException : Exception
{
    public ClayUnavailableException()
    {
    }

    public ClayUnavailableException(string message)
        : base(message)
    {
    }

    public ClayUnavailableException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>No attempt can have been stored (429s, the breaker open, connections refused): nothing is at Clay.</summary>
    public bool NothingSent { get; init; }

    /// <summary>Clay may have stored the request (a timeout, a connection lost after the body went out, a 5xx).</summary>
    public bool Ambiguous { get; init; }
}
