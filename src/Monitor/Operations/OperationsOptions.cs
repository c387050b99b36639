using System.ComponentModel.DataAnnotations;

namespace ClayBus.Monitor.Operations;

/// <summary>Operator actions and their audit log (section <c>Operations</c>).</summary>
public sealed class OperationsOptions
{
    public const string Section = "Operations";

    /// <summary>How long <c>POST /dead-letters/{queue}/requeue</c> waits for its run to end before answering 202.</summary>
    [Range(1, 600, ErrorMessage = "must be between 1 and 600 seconds (30 by default)")]
    public int RequeueWaitSeconds { get; set; } = 30;

    /// <summary>The audit log keeps this many newest entries (and as many per action).</summary>
    [Range(100, 1_000_000, ErrorMessage = "must be between 100 and 1000000 entries (10000 by default)")]
    public int AuditEntries { get; set; } = 10_000;
}
