using ClayBus.Contracts.Delivery;

namespace ClayBus.Enricher.Delivery;

/// <summary>The batch can never be delivered as it is (no rows, unknown table, a record over the size limit): poison.</summary>
public sealed class InvalidBatchException : Exception
{
    public InvalidBatchException()
    {
    }

    public InvalidBatchException(string message)
        : base(message)
    {
    }

    public InvalidBatchException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The batch must wait (budget, ledger): it goes back to the queue and this instance pauses for <see cref="Reason"/>.</summary>
public sealed class DeliveryDeferredException : Exception
{
    public DeliveryDeferredException()
    {
    }

    public DeliveryDeferredException(string message)
        : base(message)
    {
    }

    public DeliveryDeferredException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public DeliveryDeferredException(PauseReason reason, string message, decimal neededCredits = 0)
        : base(message)
    {
        Reason = reason;
        NeededCredits = neededCredits;
    }

    public PauseReason Reason { get; }

    public decimal NeededCredits { get; }

    public long NeededActions { get; init; }
}

/// <summary>Every webhook of the batch's table is spent: the batch waits (other tables go on).</summary>
public sealed class WebhookPoolSpentException : Exception
{
    public WebhookPoolSpentException()
    {
    }

    public WebhookPoolSpentException(string message)
        : base(message)
    {
    }

    public WebhookPoolSpentException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public WebhookPoolSpentException(string tableKey, int webhooks, bool firstExhaustion)
        : base($"every webhook of table {tableKey} ({webhooks}) is spent: add a webhook to Tables:{tableKey}:Webhooks")
    {
        TableKey = tableKey;
        Webhooks = webhooks;
        FirstExhaustion = firstExhaustion;
    }

    public string TableKey { get; } = "";

    public int Webhooks { get; }

    public bool FirstExhaustion { get; }
}
