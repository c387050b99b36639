using System.Security.Cryptography;
using System.Text;

namespace ClayBus.Monitor.Status;

/// <summary>The dead-letter section of the status API.</summary>
/// <param name="Total">Messages in every <c>_error</c> queue.</param>
/// <param name="Available">False when the management API could not be reached; <see cref="Error"/> says why.</param>
public sealed record DeadLetterReport(bool Available, long Total, IReadOnlyList<DeadLetterQueue> Queues, IReadOnlyList<DeadLetterGroup> Groups, string? Error = null);

/// <param name="SourceQueue">Where a requeue sends the messages back.</param>
public sealed record DeadLetterQueue(string Queue, string SourceQueue, long Depth);

/// <summary>Failures with the same exception type and message, in the peeked messages.</summary>
/// <param name="Id">A short stable id of the reason (queue, exception type and message), for <c>claybus dlq requeue --group</c>.</param>
/// <param name="Count">Among the peeked messages (at most Status:DeadLetterPeek per queue).</param>
public sealed record DeadLetterGroup(string Id, string Queue, string ExceptionType, string Message, int Count, DateTimeOffset? LastFailedAt);

public static class DeadLetterGrouping
{
    public const string ErrorSuffix = "_error";

    /// <summary>Groups peeked messages by MassTransit's fault headers; a message without them counts as "unknown".</summary>
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
        Shorten(headers.GetValueOrDefault("MT-Fault-Message", "")),
        DateTimeOffset.TryParse(headers.GetValueOrDefault("MT-Fault-Timestamp"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null);

    public static string GroupId(string queue, string exceptionType, string message) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{queue}\n{exceptionType}\n{message}")))[..8];

    public static string SourceOf(string errorQueue) => errorQueue[..^ErrorSuffix.Length];

    // Fault messages can embed ids and whole payload fragments; the first line is what tells failures apart.
    private static string Shorten(string message)
    {
        var firstLine = message.Split('\n', 2)[0].Trim();
        return firstLine.Length <= 200 ? firstLine : firstLine[..200];
    }
}
