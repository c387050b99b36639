using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;
using System.Net;
using ClayBus.Cli.Connection;
using Spectre.Console;

namespace ClayBus.Cli.Console;

/// <summary>Parses the command line with the <see cref="CommandTree"/>, runs the command, and turns failures into exit codes.</summary>
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
        var output = console.Profile.Out.Writer;
        var tree = new CommandTree(commands, console.Profile.Width);

        // "claybus" alone and "claybus help <command>" are help too, as before; the only actions are help and --version.
        string[] line = args switch
        {
            [] => ["--help"],
            ["help", .. var topic] => [.. topic, "--help"],
            _ => args,
        };
        var parsed = tree.Parse(line);
        var leaf = parsed.CommandResult.Command;
        if (parsed.Action is HelpAction)
        {
            tree.Help(leaf, output);
            return ExitCode.Success;
        }

        if (parsed.Errors.Count == 0 && parsed.Action is not null)
        {
            return parsed.Invoke(new InvocationConfiguration { Output = output });
        }

        var command = tree.Find(leaf);

        // System.CommandLine takes an unknown "--name" for a positional; name it as the unknown option it is. A known
        // one taken as a value ("--state --watch") is Arguments.From's "needs a value".
        var errors = parsed.Tokens
            .Where(token => token.Type == TokenType.Argument && token.Value.StartsWith("--", StringComparison.Ordinal))
            .Where(token => !leaf.Options.Any(option => option.Name == token.Value))
            .Select(token => $"Unrecognized command or argument '{token.Value}'.")
            .Concat(parsed.Errors.Select(error => error.Message))
            .Distinct()
            .ToList();
        if (errors.Count > 0 || command is null)
        {
            foreach (var error in errors)
            {
                console.MarkupLineInterpolated($"[red]{error}[/]");
            }

            tree.Help(leaf, output);
            return ExitCode.Usage;
        }

        try
        {
            var arguments = Arguments.From(parsed, leaf);
            return await command.RunAsync(arguments, cancellationToken);
        }
        catch (UsageException exception)
        {
            console.MarkupLineInterpolated($"[red]{exception.Message}[/]");
            tree.Help(leaf, output);
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
}
