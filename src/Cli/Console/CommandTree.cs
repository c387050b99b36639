using System.CommandLine;
using System.CommandLine.Help;

namespace ClayBus.Cli.Console;

/// <summary>
/// The <c>claybus</c> commands as a System.CommandLine tree: one leaf per <see cref="ICommand"/>, two-word names
/// ("dlq list") under a group command ("dlq"). Parsing, <c>--help</c> and the errors for unknown words come from it.
/// </summary>
public sealed class CommandTree
{
    private static readonly Dictionary<string, string> GroupSummaries = new(StringComparer.Ordinal)
    {
        ["dlq"] = "the dead-letter queues: list the failures by group, requeue them",
        ["budget"] = "the credit budget: tables held after a charge above their price list, and releasing them",
    };

    // Response files (@file) are off: a lead file whose name starts with @ is a file to upload, not more arguments.
    private static readonly ParserConfiguration Parsing = new() { ResponseFileTokenReplacer = null };

    private readonly Dictionary<Command, ICommand> _leaves = [];

    public CommandTree(IReadOnlyList<ICommand> commands, int width)
    {
        // Named, not a RootCommand: that takes the executable's name, which is "testhost" in-process and in tests.
        Root = new Command("claybus", "submit leads to ClayBus, watch jobs, handle dead letters, and plan Clay capacity.\n" +
            $"Every request carries the API key from ${Connection.ApiKey.Variable} (default: the development placeholder).")
        {
            Options = { new HelpOption(), new VersionOption() },
        };
        foreach (var help in Root.Options.OfType<HelpOption>())
        {
            // The console's width: Spectre's, which a redirected output sets wide enough for one line per option.
            if (help.Action is HelpAction action)
            {
                action.MaxWidth = width;
            }
        }

        foreach (var command in commands)
        {
            var words = command.Name.Split(' ');
            Command parent = Root;
            foreach (var word in words[..^1])
            {
                parent = parent.Subcommands.FirstOrDefault(sub => sub.Name == word) ?? Add(parent, new Command(word, GroupSummaries.GetValueOrDefault(word)));
            }

            var leaf = Add(parent, new Command(words[^1], command.Summary));
            foreach (var parameter in command.Parameters)
            {
                if (parameter is Option option)
                {
                    leaf.Options.Add(option);
                }
                else if (parameter is Argument argument)
                {
                    leaf.Arguments.Add(argument);
                }
            }

            _leaves[leaf] = command;
        }
    }

    public Command Root { get; }

    public ParseResult Parse(IReadOnlyList<string> args) => Root.Parse(args, Parsing);

    /// <summary>The <see cref="ICommand"/> behind a parsed leaf; null for the root and for groups such as <c>dlq</c>.</summary>
    public ICommand? Find(Command command) => _leaves.GetValueOrDefault(command);

    /// <summary>System.CommandLine's help for <paramref name="command"/>, then the command's notes (kept out of command lists).</summary>
    public void Help(Command command, TextWriter output)
    {
        var words = new List<string>();
        for (var symbol = command; symbol != Root; symbol = symbol.Parents.OfType<Command>().First())
        {
            words.Insert(0, symbol.Name);
        }

        Parse([.. words, "--help"]).Invoke(new InvocationConfiguration { Output = output });
        if (Find(command) is { Notes: { Length: > 0 } notes })
        {
            output.WriteLine("Notes:");
            foreach (var line in notes.Split('\n'))
            {
                output.WriteLine("  " + line.TrimEnd());
            }

            output.WriteLine();
        }
    }

    private static Command Add(Command parent, Command child)
    {
        parent.Subcommands.Add(child);
        return child;
    }
}
