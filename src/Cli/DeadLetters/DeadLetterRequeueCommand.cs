using System.CommandLine;
using System.Globalization;
using ClayBus.Cli.Connection;
using ClayBus.Cli.Console;
using Spectre.Console;

namespace ClayBus.Cli.DeadLetters;

/// <summary>
/// <c>claybus dlq requeue</c>: starts a paced requeue run in the Monitor (one failure group or a whole dead-letter
/// queue, at a bounded rate, stopping when the group fails again) and follows it until it ends. With
/// <c>--all-at-once</c>: one requeue run over the whole queue, at the Monitor's whole-queue rate, without a canary.
/// </summary>
public sealed class DeadLetterRequeueCommand(Terminal terminal, TimeSpan? pollInterval = null) : ICommand
{
    private static readonly TimeSpan OutageTolerance = TimeSpan.FromSeconds(30);

    private readonly TimeSpan _poll = pollInterval ?? TimeSpan.FromSeconds(1);

    public string Name => "dlq requeue";

    public string Summary => "move dead letters back to the queue they failed on, paced, by failure group, stopping if they fail again (role: operate)";

    public IReadOnlyList<Symbol> Parameters =>
    [
        Syntax.Operand("queue_error", "the dead-letter queue, e.g. deliver-batch_error (optional with --group)", required: false),
        Syntax.Value("--group", "id", "only this failure group moves (its id from claybus dlq list); the others stay, in order"),
        Syntax.Value("--rate", "10/s", "moves at most this fast: 10/s (default), 10, 600/min; between 0.1/s and 1000/s"),
        Syntax.Value("--canary", "5", "after this many moves, pause and watch for the group failing again (default 5; 0: no pause)"),
        Syntax.Value("--canary-wait", "30s", "how long that pause lasts (default 30s; make it longer than the source queue's retries)"),
        Syntax.Flag("--all-at-once", "move the whole queue in one run at the Monitor's whole-queue rate: no group, no canary"),
        Syntax.Monitor(),
    ];

    public string Notes =>
        """
        The Monitor runs the requeue; this command follows it each second until it ends. During the whole run, a new
        dead letter of a group being moved stops it (the canary), and every message not yet moved stays queued.
        Ctrl-C stops following only: the run carries on in the Monitor (GET /dead-letters/requeues/<run id>).
        Exit codes: 0 completed, 6 stopped because the group failed again, 1 failed, 2 usage, 130 stopped following.
        Needs an API key with the operate role in $CLAYBUS_API_KEY. Requeued batches go through idempotency, the rate
        limit and the budget like any other, so a batch Clay already has is not sent twice.
        """;

    public async Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var queue = arguments.Positionals.Count switch
        {
            0 => null,
            1 => arguments.Positionals[0].Trim(),
            _ => throw new UsageException($"give at most one dead-letter queue, got '{string.Join(' ', arguments.Positionals)}'"),
        };
        var group = arguments.Option("group")?.Trim();
        var rate = arguments.Option("rate") is { } rateText ? RequeuePace.Rate(rateText) : (double?)null;
        var canary = arguments.Number("canary");
        var canaryWait = arguments.Option("canary-wait") is { } waitText ? RequeuePace.Seconds(waitText) : (int?)null;
        var allAtOnce = arguments.Flag("all-at-once");
        var address = ServiceAddress.Monitor(arguments, terminal);
        arguments.RejectUnknown();
        if (queue is not null && (!queue.EndsWith("_error", StringComparison.Ordinal) || queue.Length == "_error".Length))
        {
            throw new UsageException($"'{queue}' is not a dead-letter queue: those end in _error, e.g. {(queue.Length > 0 ? queue : "deliver-batch")}_error (claybus dlq list shows them)");
        }

        if (queue is null && group is null)
        {
            throw new UsageException("give a dead-letter queue, a --group, or both, e.g. claybus dlq requeue deliver-batch_error --group ab12cd34 (claybus dlq list shows them)");
        }

        if (canary is > 1_000)
        {
            throw new UsageException($"--canary must be between 0 and 1000 moves, got {canary}");
        }

        using var monitor = new ServiceClient(address, terminal);
        if (allAtOnce)
        {
            return group is not null || rate is not null || canary is not null || canaryWait is not null
                ? throw new UsageException("--all-at-once moves the whole queue in one run: it takes no --group, --rate, --canary or --canary-wait")
                : await AllAtOnceAsync(monitor, queue!, cancellationToken);
        }

        var run = await monitor.PostAsync<RequeueRunView>(
            "dead-letters/requeues",
            new { queue, group, ratePerSecond = rate, canary, canaryWaitSeconds = canaryWait },
            cancellationToken);
        terminal.Console.MarkupLineInterpolated(
            $"Requeue run {run.RunId}: {(run.Group is null ? "every message" : "group " + run.Group)} of {run.Queue} back to {run.Destination} at {Rate(run.RatePerSecond)}, canary pause after {run.Canary} for {run.CanaryWaitSeconds} s");
        try
        {
            run = await FollowAsync(monitor, run, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            terminal.Console.MarkupLineInterpolated($"[yellow]Stopped following run {run.RunId}; it carries on in the Monitor: GET /dead-letters/requeues/{run.RunId}[/]");
            return ExitCode.Interrupted;
        }

        return Report(run);
    }

    private async Task<RequeueRunView> FollowAsync(ServiceClient monitor, RequeueRunView run, CancellationToken cancellationToken)
    {
        var shown = "";
        var unreachableSince = (DateTimeOffset?)null;
        while (run.State == "running")
        {
            var line = $"  {run.State}: {run.Moved:N0} moved, {run.Kept:N0} kept (pass {Math.Max(run.Passes, 1)})";
            if (line != shown)
            {
                terminal.PlainLine(line);
                shown = line;
            }

            await Task.Delay(_poll, cancellationToken);
            try
            {
                run = await monitor.GetAsync<RequeueRunView>($"dead-letters/requeues/{run.RunId}", cancellationToken);
                unreachableSince = null;
            }
            catch (ServiceUnreachableException) when ((DateTimeOffset.UtcNow - (unreachableSince ??= DateTimeOffset.UtcNow)) < OutageTolerance)
            {
                // A Monitor restarting: the run's status is in Redis, so any instance answers once one is back.
            }
        }

        return run;
    }

    private int Report(RequeueRunView run)
    {
        var console = terminal.Console;
        var kept = run.Kept > 0 ? $"; {run.Kept:N0} of other groups stay in {run.Queue}" : "";
        switch (run.State)
        {
            case "completed":
                console.MarkupLineInterpolated($"[green]Requeued {run.Moved:N0} messages from {run.Queue} back to {run.Destination}{kept}.[/]");
                return ExitCode.Success;
            case "stopped":
                console.MarkupLineInterpolated($"[red]Stopped after {run.Moved:N0} moves: {run.Reason ?? "no reason given"}.[/]");
                console.MarkupLineInterpolated($"  Every message not moved is still in {run.Queue}. Fix the cause, then run again.");
                return ExitCode.RequeueStopped;
            default:
                console.MarkupLineInterpolated($"[red]The requeue run {run.State} after {run.Moved:N0} moves: {run.Reason ?? "no reason given"}[/]");
                return ExitCode.Failed;
        }
    }

    private async Task<int> AllAtOnceAsync(ServiceClient monitor, string queue, CancellationToken cancellationToken)
    {
        var result = await monitor.PostAsync<RequeueView>($"dead-letters/{Uri.EscapeDataString(queue)}/requeue", null, cancellationToken);
        if (result.Completed)
        {
            terminal.Console.MarkupLineInterpolated($"[green]Requeued {result.Moved:N0} messages from {result.Queue} back to {result.Destination}.[/]");
        }
        else
        {
            terminal.Console.MarkupLineInterpolated($"[yellow]Still moving {result.Queue} back to {result.Destination}: {result.Moved:N0} messages so far; the move {result.Shovel ?? ""} carries on.[/]");
            terminal.Console.MarkupLine("  Follow the depth with: claybus dlq list");
        }

        return ExitCode.Success;
    }

    private static string Rate(double perSecond) =>
        perSecond >= 1 ? perSecond.ToString("0.##", CultureInfo.InvariantCulture) + "/s" : (perSecond * 60).ToString("0.##", CultureInfo.InvariantCulture) + "/min";
}
