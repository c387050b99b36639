using System.CommandLine;
using System.Net;
using ClayBus.Cli.Connection;
using ClayBus.Cli.Console;
using Spectre.Console;

namespace ClayBus.Cli.Status;

/// <summary>
/// <c>claybus status [job-id] [--watch] [--until-done]</c>: the newest jobs and today's budget, or one job's per-table
/// progress, from the Monitor's status API; live until Ctrl-C, or until the job ends with an exit code a script can use.
/// </summary>
public sealed class StatusCommand(Terminal terminal, StatusTiming timing, TimeProvider clock) : ICommand
{
    public StatusCommand(Terminal terminal)
        : this(terminal, StatusTiming.Default, TimeProvider.System)
    {
    }

    private const int DefaultLimit = 50;

    public string Name => "status";

    public string Summary => "jobs and today's budget, or one job's progress per table; --watch to follow it live";

    public IReadOnlyList<Symbol> Parameters =>
    [
        Syntax.Operand("job-id", "one job's progress per table (delivered, enriched/failed) and its credits against today's budget; without it: the newest jobs and today's budget", required: false),
        Syntax.Flag("--watch", "refresh every second until Ctrl-C (Ctrl-C stops watching, not the job; exit 0); without a terminal (a pipe, CI) one plain line each time the figures change, and every 15 s while they do not"),
        Syntax.Flag("--until-done", "watch one job until it ends, then print a summary and exit with the code below"),
        Syntax.Value("--state", "phase", "only jobs in this phase (submitted, delivering, enriching, completed, completedWithFailures, stuck, cancelled)"),
        Syntax.Value("--limit", "n", "list at most this many jobs, newest first (default 50); the Monitor serves them a page at a time and the pages are followed"),
        Syntax.Monitor(),
    ];

    public string Notes =>
        """
        --until-done exits with: 0 completed · 5 completed with failures · 4 cancelled · 3 stuck (the likely cause is printed)
          · 1 the Monitor is unreachable or does not know the job · 2 the command line is wrong · 130 Ctrl-C before the job ended.
        Rows held for the budget reset count as not done: the wait lasts until they are delivered.
        Requests carry the API key from $CLAYBUS_API_KEY (default: the development placeholder).
        """;

    public async Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var jobId = arguments.Positionals.Count switch
        {
            0 => (Guid?)null,
            1 => Guid.TryParse(arguments.Positionals[0], out var id) ? id
                : throw new UsageException($"'{arguments.Positionals[0]}' is not a job id: a job id is a GUID such as 0b7e4c3a-2f1d-4e8a-9c61-5d2f7a9e1b34 (claybus status lists the newest jobs)"),
            _ => throw new UsageException("give at most one job id"),
        };
        var untilDone = arguments.Flag("until-done");
        var watch = arguments.Flag("watch") || untilDone;
        var state = arguments.Option("state");
        var limit = arguments.Number("limit") is { } n ? (int)Math.Clamp(n, 1, 100_000) : DefaultLimit;
        var address = ServiceAddress.Monitor(arguments, terminal);
        arguments.RejectUnknown();
        if (untilDone && jobId is null)
        {
            throw new UsageException("--until-done waits for one job: give its id, e.g. claybus status <job-id> --until-done");
        }

        if (state is not null && jobId is not null)
        {
            throw new UsageException("--state filters the job list: leave it out when you give a job id");
        }

        using var monitor = new ServiceClient(address, terminal);
        return jobId is { } job
            ? await JobAsync(monitor, job, watch, untilDone, cancellationToken)
            : await ListAsync(monitor, state, limit, watch, cancellationToken);
    }

    // Read at each render: a terminal can be resized during a watch.
    private int Width => terminal.Console.Profile.Width;

    private async Task<int> ListAsync(ServiceClient monitor, string? state, int limit, bool watch, CancellationToken cancellationToken)
    {
        var path = "status/jobs" + (state is null ? "" : "?state=" + Uri.EscapeDataString(state));
        async Task<JobList> Read(CancellationToken token) => new(await monitor.GetPagesAsync<JobView>(path, limit, token), await BudgetAsync(monitor, token));
        var first = await Read(cancellationToken);
        if (!watch)
        {
            terminal.Console.Write(JobListDisplay.Render(first.Jobs, first.Budget, clock.GetUtcNow(), Width));
            return ExitCode.Success;
        }

        await new Watch<JobList>(terminal, timing, clock).RunAsync(
            first,
            Read,
            (list, notice) => JobListDisplay.Render(list.Jobs, list.Budget, clock.GetUtcNow(), Width, notice),
            list => JobListDisplay.Plain(list.Jobs, list.Budget),
            list => JobListDisplay.Plain(list.Jobs, null),
            _ => null,
            cancellationToken);
        return ExitCode.Success;
    }

    private async Task<int> JobAsync(ServiceClient monitor, Guid jobId, bool watch, bool untilDone, CancellationToken cancellationToken)
    {
        async Task<JobSnapshot> Read(CancellationToken token) =>
            new(await monitor.GetAsync<JobView>($"status/jobs/{jobId}", token), await BudgetAsync(monitor, token));

        JobSnapshot first;
        try
        {
            first = await FirstAsync(Read, jobId, watch, cancellationToken);
        }
        catch (ServiceProblemException problem) when (problem.Status == HttpStatusCode.NotFound)
        {
            terminal.Console.MarkupLineInterpolated($"[red]The Monitor at {monitor.Address.BaseAddress} does not know job {jobId}.[/]");
            terminal.Console.MarkupLine("  Check the id: [bold]claybus status[/] lists the newest jobs. A finished job is forgotten after the Monitor's retention period.");
            return ExitCode.Failed;
        }

        if (!watch)
        {
            terminal.Console.Write(JobDisplay.Render(first.Job, first.Budget, clock.GetUtcNow(), Width));
            return ExitCode.Success;
        }

        var ending = await new Watch<JobSnapshot>(terminal, timing, clock).RunAsync(
            first,
            Read,
            (snapshot, notice) => JobDisplay.Render(snapshot.Job, snapshot.Budget, clock.GetUtcNow(), Width, notice),
            snapshot => JobDisplay.Plain(snapshot.Job, snapshot.Budget),
            snapshot => JobDisplay.Plain(snapshot.Job, null),
            snapshot => untilDone ? JobOutcome.ExitCode(snapshot.Job.Phase) : null,
            cancellationToken);
        if (ending.Interrupted)
        {
            terminal.Console.MarkupLineInterpolated($"[grey]Stopped watching; the job goes on. Look again with: claybus status {jobId}[/]");
            // A script waiting with --until-done must not read an interrupted wait as "completed".
            return untilDone ? ExitCode.Interrupted : ExitCode.Success;
        }

        if (!terminal.Live)
        {
            // The live display already left its last frame on screen; a log gets the whole picture once, at the end.
            terminal.Console.Write(JobDisplay.Render(ending.Last.Job, ending.Last.Budget, clock.GetUtcNow(), Width));
        }

        var code = ending.ExitCode ?? ExitCode.Success;
        var color = code == ExitCode.Success ? "green" : code == ExitCode.JobStuck ? "red" : "yellow";
        terminal.Console.MarkupLineInterpolated($"[{color}]{JobDisplay.Outcome(ending.Last.Job)}[/]");
        return code;
    }

    private async Task<JobSnapshot> FirstAsync(Func<CancellationToken, Task<JobSnapshot>> read, Guid jobId, bool wait, CancellationToken cancellationToken)
    {
        var deadline = clock.GetUtcNow() + (wait ? timing.NotFoundGrace : TimeSpan.Zero);
        var announced = false;
        while (true)
        {
            try
            {
                return await read(cancellationToken);
            }
            catch (ServiceProblemException problem) when (problem.Status == HttpStatusCode.NotFound && clock.GetUtcNow() < deadline)
            {
                if (!announced)
                {
                    terminal.Console.MarkupLineInterpolated($"[grey]Waiting up to {timing.NotFoundGrace.TotalSeconds:0} s for the Monitor to see job {jobId} (it learns of a job from the Submitter's event)…[/]");
                    announced = true;
                }

                await Task.Delay(timing.Refresh, clock, cancellationToken);
            }
        }
    }

    /// <summary>The budget is context, not the point: a Monitor that cannot report it still shows the jobs.</summary>
    private static async Task<BudgetView?> BudgetAsync(ServiceClient monitor, CancellationToken cancellationToken)
    {
        try
        {
            return await monitor.GetAsync<BudgetView>("status/budget", cancellationToken);
        }
        catch (ServiceProblemException problem) when (problem.Status is not (HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden))
        {
            return null;
        }
    }

    private sealed record JobList(IReadOnlyList<JobView> Jobs, BudgetView? Budget);

    private sealed record JobSnapshot(JobView Job, BudgetView? Budget);
}
