using System.Net;
using ClayBus.Cli.Connection;
using Spectre.Console;

namespace ClayBus.Cli.Console;

/// <summary>Finds the command named by the first words of the command line, runs it, and turns failures into exit codes.</summary>
public static class CommandRunner
{
    /// <summary>The process entry: Ctrl-C cancels the running command instead of killing the process mid-output.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<ICommand> commands, string[] args, Terminal terminal)
    {
        using var cancel = new CancellationTokenSource();
        System.Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        return await RunAsync(commands, args, terminal, cancel.Token);
    }

    public static async Task<int> RunAsync(IReadOnlyList<ICommand> commands, string[] args, Terminal terminal, CancellationToken cancellationToken)
    {
        var console = terminal.Console;
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            var topic = args.Skip(1).FirstOrDefault();
            var command = topic is null ? null : Find(commands, args.Skip(1).ToArray()).Command;
            if (command is not null)
            {
                terminal.PlainLine(command.Usage);
            }
            else
            {
                Help(commands, console);
            }

            return ExitCode.Success;
        }

        var (found, consumed) = Find(commands, args);
        if (found is null)
        {
            console.MarkupLineInterpolated($"[red]unknown command '{string.Join(' ', args.Take(2))}'[/]");
            Help(commands, console);
            return ExitCode.Usage;
        }

        try
        {
            if (args.Skip(consumed).Any(arg => arg is "--help" or "-h"))
            {
                terminal.PlainLine(found.Usage);
                return ExitCode.Success;
            }

            return await found.RunAsync(Arguments.Parse(args.Skip(consumed), "dry-run", "own-keys", "json", "watch", "until-done", "all-at-once"), cancellationToken);
        }
        catch (UsageException exception)
        {
            console.MarkupLineInterpolated($"[red]{exception.Message}[/]");
            terminal.PlainLine(found.Usage);
            return ExitCode.Usage;
        }
        catch (ServiceUnreachableException exception)
        {
            console.MarkupLineInterpolated($"[red]{exception.Message}[/]");
            return ExitCode.Failed;
        }
        catch (ServiceProblemException problem)
        {
            Print(problem, console);
            return ExitCode.Failed;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            console.MarkupLine("[yellow]interrupted[/]");
            return ExitCode.Interrupted;
        }
    }

    /// <summary>The server's ProblemDetails as it sent them, plus what to do about the status codes a user can fix.</summary>
    public static void Print(ServiceProblemException problem, IAnsiConsole console)
    {
        console.MarkupLineInterpolated($"[red]{problem.Address.Service} answered {(int)problem.Status} {problem.Title}[/]");
        if (problem.Detail is { } detail)
        {
            console.MarkupLineInterpolated($"  {detail}");
        }

        foreach (var (field, messages) in problem.Errors)
        {
            console.MarkupLineInterpolated($"  {field}: {string.Join("; ", messages)}");
        }

        var hint = problem.Status switch
        {
            HttpStatusCode.Unauthorized => $"  The API key was missing or not accepted: set ${ApiKey.Variable} to a key the {problem.Address.Service} knows.",
            HttpStatusCode.Forbidden => $"  The API key lacks the role for this: use a key with that role in ${ApiKey.Variable}.",
            _ => null,
        };
        if (hint is not null)
        {
            console.MarkupLineInterpolated($"[grey]{hint}[/]");
        }
    }

    private static (ICommand? Command, int Consumed) Find(IReadOnlyList<ICommand> commands, string[] args)
    {
        // Longest name first, so "dlq list" wins over a hypothetical "dlq".
        foreach (var command in commands.OrderByDescending(command => command.Name.Split(' ').Length))
        {
            var words = command.Name.Split(' ');
            if (args.Length >= words.Length && words.Select((word, index) => string.Equals(word, args[index], StringComparison.OrdinalIgnoreCase)).All(match => match))
            {
                return (command, words.Length);
            }
        }

        return (null, 0);
    }

    private static void Help(IReadOnlyList<ICommand> commands, IAnsiConsole console)
    {
        console.WriteLine("claybus — submit leads to ClayBus, watch jobs, handle dead letters, and plan Clay capacity");
        console.WriteLine();
        var table = new Table().NoBorder().HideHeaders().AddColumn("command").AddColumn("what it does");
        foreach (var command in commands)
        {
            table.AddRow(Markup.Escape("claybus " + command.Name), Markup.Escape(command.Summary));
        }

        console.Write(table);
        console.WriteLine("Run 'claybus help <command>' for its options.");
        console.WriteLine($"Every request carries the API key from ${ApiKey.Variable} (default: the development placeholder).");
    }
}
