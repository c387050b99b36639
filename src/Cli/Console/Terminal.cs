using Spectre.Console;

namespace ClayBus.Cli.Console;

/// <summary>
/// Where a command writes and what it may assume: a live terminal (redrawn displays) or a pipe (plain lines that
/// read well in CI logs), and the process environment. Tests hand in their own, so commands run in-process.
/// </summary>
public sealed class Terminal(IAnsiConsole console, bool live, Func<string, string?> environment)
{
    public IAnsiConsole Console { get; } = console;

    /// <summary>Stdout is an interactive terminal: live displays may redraw; otherwise print one plain line at a time.</summary>
    public bool Live { get; } = live;

    public string? Variable(string name) => environment(name) is { Length: > 0 } value ? value : null;

    /// <summary>Writes a line as it is: no markup, and no wrapping at the console width (a log line stays one line).</summary>
    public void PlainLine(string line) => Console.Profile.Out.Writer.WriteLine(line);

    public static Terminal ForProcess()
    {
        var live = !System.Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
        if (System.Console.IsOutputRedirected && AnsiConsole.Profile.Width < 140)
        {
            // Redirected output has no width; Spectre's 80 columns would fold the progress tables in a CI log.
            AnsiConsole.Profile.Width = 140;
        }

        return new Terminal(AnsiConsole.Console, live, Environment.GetEnvironmentVariable);
    }
}
