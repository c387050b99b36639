using System.CommandLine;
using ClayBus.Cli.Connection;
using ClayBus.Cli.Console;
using Spectre.Console;

namespace ClayBus.Cli.Cancel;

/// <summary><c>claybus cancel &lt;job-id&gt;</c>: asks the Monitor to cancel a job; batches not yet delivered are not sent.</summary>
public sealed class CancelCommand(Terminal terminal) : ICommand
{
    public string Name => "cancel";

    public string Summary => "cancel a job: its batches not yet delivered to Clay are not sent (role: operate)";

    public IReadOnlyList<Symbol> Parameters =>
    [
        Syntax.Operand("job-id", "the job to cancel (claybus status lists the newest jobs)", required: true),
        Syntax.Value("--reason", "text", "why, kept in the audit log"),
        Syntax.Monitor(),
    ];

    public string Notes => "Needs an API key with the operate role in $CLAYBUS_API_KEY.";

    public async Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var jobId = arguments.Positionals.Count == 1
            ? Guid.TryParse(arguments.Positionals[0], out var id) ? id : throw new UsageException($"'{arguments.Positionals[0]}' is not a job id: a job id is a GUID such as 0b7e4c3a-2f1d-4e8a-9c61-5d2f7a9e1b34 (claybus status lists the newest jobs)")
            : throw new UsageException("give the id of the job to cancel, e.g. claybus cancel <job-id> --reason \"wrong list\"");
        var reason = arguments.Option("reason");
        var address = ServiceAddress.Monitor(arguments, terminal);
        arguments.RejectUnknown();
        if (reason is { Length: > 500 })
        {
            throw new UsageException($"--reason is {reason.Length} characters; keep it under 500");
        }

        using var monitor = new ServiceClient(address, terminal);
        var cancel = await monitor.PostAsync<CancelView>($"jobs/{jobId}/cancel", new { reason }, cancellationToken);
        terminal.Console.MarkupLineInterpolated($"[green]Cancel of job {cancel.JobId} requested[/] (it was {cancel.PreviousPhase}; by {cancel.RequestedBy}{(cancel.Reason is null ? "" : ", reason: " + cancel.Reason)}).");
        terminal.Console.MarkupLineInterpolated($"  Batches not yet delivered are skipped. Follow it with: claybus status {cancel.JobId} --until-done");
        return ExitCode.Success;
    }
}

/// <summary>The Monitor's answer (src/Monitor/Operations/JobCancelEndpoints.cs, CancelRequested).</summary>
public sealed record CancelView(Guid JobId, string PreviousPhase, string RequestedBy, string? Reason, DateTimeOffset At);
