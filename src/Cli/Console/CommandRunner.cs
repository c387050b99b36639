using Spectre.Console;

namespace ClayBus.Cli.Console;

/// <summary>Finds the command named by the first words of the command line, runs it, and turns failures into exit codes.</summary>
public static class CommandRunner
{
    public static async Task<int> RunAsync(IReadOnlyList<ICommand> commands, string[] args)
    {
        if (args.Length == 0 || args[0] is "help" or "--help" or "-h")
        {
            var topic = args.Skip(1).FirstOrDefault();
            var command = topic is null ? null : Find(commands, args.Skip(1).ToArray()).Command;
            if (command is not null)
            {
                System.Console.Out.WriteLine(command.Usage);
            }
            else
            {
                Help(commands);
            }

            return 0;
        }

        var (found, consumed) = Find(commands, args);
        if (found is null)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]unknown command '{string.Join(' ', args.Take(2))}'[/]");
            Help(commands);
            return 2;
        }

        using var cancel = new CancellationTokenSource();
        System.Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            cancel.Cancel();
        };
        try
        {
            if (args.Skip(consumed).Any(arg => arg is "--help" or "-h"))
            {
                System.Console.Out.WriteLine(found.Usage);
                return 0;
            }

            return await found.RunAsync(Arguments.Parse(args.Skip(consumed), "dry-run", "own-keys", "json"), cancel.Token);
        }
        catch (UsageException exception)
        {
            AnsiConsole.MarkupLineInterpolated($"[red]{exception.Message}[/]");
            System.Console.Out.WriteLine(found.Usage);
            return 2;
        }
        catch (OperationCanceledException)
        {
            AnsiConsole.MarkupLine("[yellow]cancelled[/]");
            return 130;
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

    private static void Help(IReadOnlyList<ICommand> commands)
    {
        AnsiConsole.WriteLine("claybus — submit leads to ClayBus and plan Clay capacity");
        AnsiConsole.WriteLine();
        var table = new Table().NoBorder().HideHeaders().AddColumn("command").AddColumn("what it does");
        foreach (var command in commands)
        {
            table.AddRow(Markup.Escape("claybus " + command.Name), Markup.Escape(command.Summary));
        }

        AnsiConsole.Write(table);
        AnsiConsole.WriteLine("Run 'claybus help <command>' for its options.");
    }
}
