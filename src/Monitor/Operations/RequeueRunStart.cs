using ClayBus.Monitor.Status;
using RabbitMQ.Client.Exceptions;

namespace ClayBus.Monitor.Operations;

/// <summary>Why a run did not start, as the problem the endpoint answers (<paramref name="HolderRunId"/>: the run holding the queue).</summary>
public sealed record RequeueRefusal(int Status, string Title, string Detail, string? HolderRunId = null);

/// <summary>What asking for a run gave: a refusal, a no-op (the queue is empty, <see cref="Started"/> false), or a run started.</summary>
public sealed record RequeueStartOutcome(RequeueRunStatus? Run, bool Started, RequeueRefusal? Refusal)
{
    public static RequeueStartOutcome Refused(int status, string title, string detail, string? holder = null) =>
        new(null, false, new RequeueRefusal(status, title, detail, holder));
}

/// <summary>
/// Starts a paced requeue run: the group and both queues are checked, the queue is locked to the run, and the run is
/// saved and audited before <see cref="RequeueRunner"/> moves anything; an unaudited run never starts.
/// </summary>
public sealed partial class RequeueRunStart(
    DeadLetterReader reader,
    RequeueBroker broker,
    RequeueRunStore store,
    RequeueRunner runner,
    OperatorAudit audit,
    TimeProvider clock,
    ILogger<RequeueRunStart> logger)
{
    public static readonly RequeueRefusal RedisDown = new(
        503, "Run state not reachable", "Redis, which holds the requeue runs, did not answer: retry in a few seconds (a running run carries on)");

    public async Task<RequeueStartOutcome> StartAsync(RequeuePlan plan, string who, CancellationToken cancellationToken)
    {
        var queue = plan.Queue;
        if (plan.Group is { } group)
        {
            var report = await reader.ReadAsync(cancellationToken);
            if (!report.Available)
            {
                return RequeueStartOutcome.Refused(503, "Dead letters not readable", report.Error + ": the group cannot be checked; retry later");
            }

            if (report.Groups.FirstOrDefault(known => known.Id == group && (queue is null || known.Queue == queue)) is not { } found)
            {
                return RequeueStartOutcome.Refused(
                    404,
                    "Group not known",
                    $"group {group} is not among the failure groups{(queue is null ? "" : " of " + queue)} in GET /status/dead-letters (claybus dlq list): it may have been requeued already, or the id is mistyped");
            }

            queue = found.Queue;
        }

        var destination = DeadLetterGrouping.SourceOf(queue!);
        long depth;
        try
        {
            await using var connection = await broker.ConnectAsync("requeue-check", cancellationToken);
            if (await RequeueBroker.DepthAsync(connection, queue!, cancellationToken) is not { } ready)
            {
                return RequeueStartOutcome.Refused(
                    404, "Queue not found", $"queue '{queue}' does not exist in vhost '{broker.VirtualHost}': see GET /status/dead-letters for the _error queues");
            }

            if (await RequeueBroker.DepthAsync(connection, destination, cancellationToken) is null)
            {
                return RequeueStartOutcome.Refused(
                    409,
                    "Source queue missing",
                    $"the source queue '{destination}' does not exist, so nothing would consume the moved messages: start the service that owns it first");
            }

            depth = ready;
        }
        catch (BrokerUnreachableException)
        {
            return RequeueStartOutcome.Refused(503, "Broker not reachable", "the broker did not answer: nothing was moved; retry later");
        }

        if (depth == 0)
        {
            // A no-op is not an operator action: no run, no audit entry.
            var at = clock.GetUtcNow();
            return new RequeueStartOutcome(
                new RequeueRunStatus(
                    Guid.Empty, queue!, destination, plan.Group, plan.RatePerSecond, plan.Canary, (int)plan.CanaryWait.TotalSeconds,
                    RequeueRunState.Completed, 0, 0, 0, "the queue is empty: nothing to requeue", who, at, at, at),
                false,
                null);
        }

        return await LockAndStartAsync(plan, queue!, destination, depth, who);
    }

    private async Task<RequeueStartOutcome> LockAndStartAsync(RequeuePlan plan, string queue, string destination, long depth, string who)
    {
        var runId = MassTransit.NewId.NextGuid();
        string? holder;
        try
        {
            holder = await store.TryLockAsync(queue, runId);
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            return new RequeueStartOutcome(null, false, RedisDown);
        }

        if (holder is not null)
        {
            return RequeueStartOutcome.Refused(
                409,
                "A requeue is already running",
                $"run {holder} is requeueing {queue}: follow it with GET /dead-letters/requeues/{holder}, and start another once it ends",
                holder);
        }

        var now = clock.GetUtcNow();
        var run = new RequeueRunStatus(
            runId, queue, destination, plan.Group, plan.RatePerSecond, plan.Canary, (int)plan.CanaryWait.TotalSeconds,
            RequeueRunState.Running, 0, 0, 0, null, who, now, null, now);
        OperatorAction entry;
        try
        {
            await store.SaveAsync(run);
            entry = await audit.BeginAsync(
                who,
                OperatorAudit.RequeueDeadLetters,
                queue,
                new { queue, messages = depth, group = plan.Group },
                new { queue = destination, runId, ratePerSecond = plan.RatePerSecond, canary = plan.Canary, canaryWaitSeconds = run.CanaryWaitSeconds },
                $"paced requeue run {runId}");
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
            // Not started: an unaudited run must not move anything. The lock expires by itself if this release fails too.
            await store.ReleaseAsync(queue, runId).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            return new RequeueStartOutcome(null, false, RedisDown);
        }

        runner.Start(run, plan, entry);
        LogStarted(who, runId, queue, plan.Group ?? "all", plan.RatePerSecond);
        return new RequeueStartOutcome(run, true, null);
    }

    [LoggerMessage(LogLevel.Information, "{Operator} started requeue run {RunId} of {Queue} (group {Group}) at {Rate}/s")]
    private partial void LogStarted(string @operator, Guid runId, string queue, string group, double rate);
}
