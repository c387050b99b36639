using System.Text;
using ClayBus.Cli.Budget;
using ClayBus.Cli.Cancel;
using ClayBus.Cli.Console;
using ClayBus.Cli.DeadLetters;
using ClayBus.Cli.Planning;
using ClayBus.Cli.Status;
using ClayBus.Cli.Submit;
using Spectre.Console;

namespace ClayBus.Cli.Tests;

/// <summary>
/// Runs <c>claybus</c> in-process as a user would type it, with its own environment and an output it can read while
/// the command is still running. Not a terminal unless <c>live</c>, like a CI log.
/// </summary>
public sealed class CliRun
{
    /// <summary>Fast refreshes, a short wait for unknown jobs and outages, and no heartbeat lines within a test.</summary>
    public static readonly StatusTiming FastTiming = new(TimeSpan.FromMilliseconds(40), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(2), TimeSpan.FromHours(1));

    private readonly StringBuilder _output = new();
    private readonly TextWriter _writer;
    private readonly Terminal _terminal;

    public CliRun(IReadOnlyDictionary<string, string?>? environment = null, bool live = false, int width = 200)
    {
        _writer = TextWriter.Synchronized(new StringWriter(_output));
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(_writer),
        });
        console.Profile.Width = width;
        var variables = environment ?? new Dictionary<string, string?>();
        _terminal = new Terminal(console, live, name => variables.GetValueOrDefault(name));
    }

    public string Output
    {
        get
        {
            lock (_writer)
            {
                return _output.ToString();
            }
        }
    }

    public IReadOnlyList<string> Lines => Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public Task<int> RunAsync(params string[] args) => RunAsync(args, CancellationToken.None);

    public Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        ICommand[] commands =
        [
            new SubmitCommand(_terminal),
            new StatusCommand(_terminal, FastTiming, TimeProvider.System),
            new CancelCommand(_terminal),
            new DeadLetterListCommand(_terminal),
            new DeadLetterRequeueCommand(_terminal, TimeSpan.FromMilliseconds(20)),
            new BudgetHoldsCommand(_terminal),
            new BudgetReleaseHoldCommand(_terminal),
            new PlanCommand(_terminal),
        ];
        return CommandRunner.RunAsync(commands, args, _terminal, cancellationToken);
    }
}
