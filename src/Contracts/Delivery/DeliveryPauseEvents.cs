namespace ClayBus.Contracts.Delivery;

/// <summary>Why an Enricher stopped taking batches.</summary>
public enum PauseReason
{
    /// <summary>Today's credit budget cannot cover the next batch.</summary>
    BudgetExhausted,

    /// <summary>Clay fails every request (breakers open): a cool-down instead of retries into the dead-letter queue.</summary>
    ClayUnavailable,

    /// <summary>The credit ledger (Redis) cannot be reached: spending stops (fail closed).</summary>
    LedgerUnavailable,
}

/// <summary>
/// An Enricher instance stopped consuming <c>deliver-batch</c>. Published by the Enricher; consumed by the Monitor.
/// </summary>
/// <param name="Instance">The Enricher instance (host name and process id).</param>
/// <param name="ResumeProbeAt">When the instance will next try to resume, if it knows.</param>
public record DeliveryPaused(string Instance, PauseReason Reason, string Detail, DateTimeOffset At, DateTimeOffset? ResumeProbeAt = null);

/// <summary>An Enricher instance consumes again. Published by the Enricher; consumed by the Monitor.</summary>
public record DeliveryResumed(string Instance, PauseReason Reason, DateTimeOffset At);
