namespace ClayBus.Enricher.Delivery;

/// <summary>
/// The batch cannot go on before <see cref="Until"/> (its table is full, its webhooks are spent or misconfigured, or
/// some of its rows were sent with an unknown outcome): the consumer parks it without holding a consumer slot, and the
/// instance keeps delivering every other table's batches.
/// </summary>
public sealed class BatchMustWaitException : Exception
{
    public BatchMustWaitException()
    {
    }

    public BatchMustWaitException(string message)
        : base(message)
    {
    }

    public BatchMustWaitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public BatchMustWaitException(string tableKey, DateTimeOffset until, string reason)
        : base(reason)
    {
        TableKey = tableKey;
        Until = until;
    }

    public string TableKey { get; } = "";

    public DateTimeOffset Until { get; }
}
