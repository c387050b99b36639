using System.Globalization;
using ClayBus.Monitor.Status;

namespace ClayBus.Monitor.Operations;

/// <summary>The body of <c>POST /dead-letters/requeues</c>; every field may be left out except one of queue and group.</summary>
/// <param name="Queue">The dead-letter queue, e.g. <c>deliver-batch_error</c>; optional when <paramref name="Group"/> names one.</param>
/// <param name="Group">A group id from <c>GET /status/dead-letters</c>: only its messages move, the rest stay.</param>
/// <param name="RatePerSecond">Moves per second at most (10 by default).</param>
/// <param name="Canary">After this many moves, pause and watch the dead-letter queue (5 by default; 0: no pause).</param>
/// <param name="CanaryWaitSeconds">How long that pause lasts (30 s by default): longer than the source's retries.</param>
public sealed record RequeueRunRequest(string? Queue, string? Group, double? RatePerSecond, int? Canary, int? CanaryWaitSeconds);

/// <summary>A validated request: what a run moves, and how fast.</summary>
public sealed record RequeuePlan(string? Queue, string? Group, double RatePerSecond, int Canary, TimeSpan CanaryWait)
{
    public const double MinimumRate = 0.1;
    public const double MaximumRate = 1_000;
    public const int MaximumCanary = 1_000;
    public const int MaximumCanaryWaitSeconds = 3_600;

    /// <summary>The plan, or the errors by field, each saying how to fix it.</summary>
    public static (RequeuePlan? Plan, Dictionary<string, string[]> Errors) From(RequeueRunRequest? request)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (request is null)
        {
            errors["body"] = ["is missing: send JSON such as {\"queue\": \"deliver-batch_error\", \"group\": \"ab12cd34\", \"ratePerSecond\": 10}"];
            return (null, errors);
        }

        var queue = string.IsNullOrWhiteSpace(request.Queue) ? null : request.Queue.Trim();
        var group = string.IsNullOrWhiteSpace(request.Group) ? null : request.Group.Trim().ToLowerInvariant();
        if (queue is null && group is null)
        {
            errors["queue"] = ["give the dead-letter queue (e.g. deliver-batch_error), a group id from GET /status/dead-letters, or both"];
        }

        if (queue is not null && (!queue.EndsWith(DeadLetterGrouping.ErrorSuffix, StringComparison.Ordinal) || queue.Length == DeadLetterGrouping.ErrorSuffix.Length || queue.Length > 255))
        {
            errors["queue"] = [$"'{queue}' is not a dead-letter queue: give a queue whose name ends in {DeadLetterGrouping.ErrorSuffix}, e.g. deliver-batch_error (see GET /status/dead-letters)"];
        }

        if (group is not null && (group.Length != 8 || !group.All(char.IsAsciiHexDigit)))
        {
            errors["group"] = [$"'{group}' is not a group id: those are 8 hex digits, e.g. ab12cd34, as GET /status/dead-letters (or claybus dlq list) shows them"];
        }

        var rate = request.RatePerSecond ?? 10;
        if (!double.IsFinite(rate) || rate < MinimumRate || rate > MaximumRate)
        {
            errors["ratePerSecond"] = [$"must be between {MinimumRate.ToString(CultureInfo.InvariantCulture)} and {MaximumRate.ToString(CultureInfo.InvariantCulture)} messages per second (10 by default), got {rate.ToString(CultureInfo.InvariantCulture)}"];
        }

        var canary = request.Canary ?? 5;
        if (canary is < 0 or > MaximumCanary)
        {
            errors["canary"] = [$"must be between 0 and {MaximumCanary} moves (5 by default; 0 skips the pause), got {canary}"];
        }

        var wait = request.CanaryWaitSeconds ?? 30;
        if (wait is < 0 or > MaximumCanaryWaitSeconds)
        {
            errors["canaryWaitSeconds"] = [$"must be between 0 and {MaximumCanaryWaitSeconds} seconds (30 by default: longer than the source queue's retries), got {wait}"];
        }

        return errors.Count > 0 ? (null, errors) : (new RequeuePlan(queue, group, rate, canary, TimeSpan.FromSeconds(wait)), errors);
    }
}
