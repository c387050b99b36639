using System.Security.Cryptography;
using System.Text;

namespace ClayBus.Monitor.Status;

/// <summary>The dead-letter section of the status API.</summary>
/// <param name="Total">Messages in every <c>_error</c> queue.</param>
/// <param name="Available">False when the management API could not be reached; <see cref="Error"/> says why.</param>
public sealed record DeadLetterReport(bool Available, long Total, IReadOnlyList<DeadLetterQueue> Queues, IReadOnlyList<DeadLetterGroup> Groups, string? Error = null);

/// <param name="SourceQueue">Where a requeue sends the messages back.</param>
/// <param name="Depth">Messages in the queue now, as the management API counts them.</param>
/// <param name="Indexed">Faults indexed for the queue's groups since it was last seen empty.</param>
/// <param name="Unindexed">Depth beyond the indexed faults: messages no fault announced (e.g. malformed JSON).</param>
public sealed record DeadLetterQueue(string Queue, string SourceQueue, long Depth, long Indexed = 0, long Unindexed = 0);

/// <summary>Failures of one queue with the same exception type and normalised cause (<see cref="FaultCause"/>).</summary>
/// <param name="Id">A short stable id of the reason (queue, exception type and cause), for <c>claybus dlq requeue --group</c>.</param>
/// <param name="Message">The normalised cause: the first line of the exception message, ids and numbers replaced.</param>
/// <param name="Count">Faults indexed since the queue was last seen empty.</param>
/// <param name="Tables">Faults per table (at most 50 tables, the rest under "(other)").</param>
/// <param name="Jobs">Faults per job (the same cap).</param>
/// <param name="SampleMessageIds">The newest faulted message ids (up to 20).</param>
public sealed record DeadLetterGroup(
    string Id,
    string Queue,
    string ExceptionType,
    string Message,
    int Count,
    DateTimeOffset? LastFailedAt,
    DateTimeOffset? FirstFailedAt = null,
    IReadOnlyDictionary<string, long>? Tables = null,
    IReadOnlyDictionary<string, long>? Jobs = null,
    IReadOnlyList<string>? SampleMessageIds = null)
{
    public static DeadLetterGroup From(IndexedGroup group) => new(
        group.Id,
        group.Queue,
        group.ExceptionType,
        group.Cause,
        (int)Math.Min(int.MaxValue, group.Count),
        group.LastFailedAt,
        group.FirstFailedAt,
        group.Tables,
        group.Jobs,
        group.SampleMessageIds);
}

public static class DeadLetterGrouping
{
    public const string ErrorSuffix = "_error";

    /// <summary>Groups messages by MassTransit's fault headers (normalised cause); a message without them counts as "unknown".</summary>
    public static IReadOnlyList<DeadLetterGroup> Group(string queue, IEnumerable<IReadOnlyDictionary<string, string>> messages) =>
        messages
            .Select(Reason)
            .GroupBy(failure => (failure.Type, failure.Message))
            .Select(group => new DeadLetterGroup(
                GroupId(queue, group.Key.Type, group.Key.Message),
                queue,
                group.Key.Type,
                group.Key.Message,
                group.Count(),
                group.Max(failure => failure.At)))
            .OrderByDescending(group => group.Count)
            .ToList();

    /// <summary>Why one message was dead-lettered, as its fault headers say; the paced requeue groups by the same rule.</summary>
    public static (string Type, string Message, DateTimeOffset? At) Reason(IReadOnlyDictionary<string, string> headers) => (
        headers.GetValueOrDefault("MT-Fault-ExceptionType", headers.GetValueOrDefault("MT-Reason", "unknown")),
        FaultCause.Of(headers.GetValueOrDefault("MT-Fault-Message", "")),
        DateTimeOffset.TryParse(headers.GetValueOrDefault("MT-Fault-Timestamp"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null);

    /// <summary>The same id for the same cause however many ids and numbers its messages carried.</summary>
    public static string GroupId(string queue, string exceptionType, string message) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{queue}\n{exceptionType}\n{FaultCause.Of(message)}")))[..8];

    public static string SourceOf(string errorQueue) => errorQueue[..^ErrorSuffix.Length];
}
