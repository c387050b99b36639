using System.CommandLine;

namespace ClayBus.Cli.Console;

/// <summary>One <c>claybus</c> command. Add a class implementing it and one line to the table in Program.cs.</summary>
public interface ICommand
{
    /// <summary>The word after <c>claybus</c>, e.g. <c>submit</c>, or two words such as <c>dlq list</c>.</summary>
    string Name { get; }

    string Summary { get; }

    /// <summary>Its arguments and options (see <see cref="Syntax"/>): System.CommandLine parses them and lists them in <c>--help</c>.</summary>
    IReadOnlyList<Symbol> Parameters { get; }

    /// <summary>What <c>--help</c> says beyond the options: exit codes, the role needed, what happens on Ctrl-C.</summary>
    string Notes { get; }

    /// <returns>The process exit code: 0 success, 1 the operation failed, 2 a usage error.</returns>
    Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken);
}
