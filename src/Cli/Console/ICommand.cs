namespace ClayBus.Cli.Console;

/// <summary>One <c>claybus</c> command. Add a class implementing it and one line to the table in Program.cs.</summary>
public interface ICommand
{
    /// <summary>The word after <c>claybus</c>, e.g. <c>submit</c>, or two words such as <c>dlq list</c>.</summary>
    string Name { get; }

    string Summary { get; }

    /// <summary>The usage line and options, shown by <c>claybus help &lt;command&gt;</c> and on a usage error.</summary>
    string Usage { get; }

    /// <returns>The process exit code: 0 success, 1 the operation failed, 2 a usage error.</returns>
    Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken);
}
