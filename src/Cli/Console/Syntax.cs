using System.CommandLine;

namespace ClayBus.Cli.Console;

/// <summary>
/// The three kinds of parameter a command takes. Values stay strings: each command checks its own values, so a
/// wrong one gets the command's message (and exit code 2), not a converter's.
/// </summary>
public static class Syntax
{
    /// <summary>An option that takes a value, e.g. <c>--rate 10/s</c> or <c>--rate=10/s</c>.</summary>
    public static Option<string> Value(string name, string valueName, string description) =>
        new(name) { HelpName = valueName, Description = description };

    /// <summary>A switch, e.g. <c>--dry-run</c>: it never takes the next word as its value.</summary>
    public static Option<bool> Flag(string name, string description) =>
        new(name) { Arity = ArgumentArity.Zero, Description = description };

    /// <summary>A positional argument, e.g. the CSV file of <c>submit</c>.</summary>
    public static Argument<string> Operand(string name, string description, bool required) =>
        new(name) { Arity = required ? ArgumentArity.ExactlyOne : ArgumentArity.ZeroOrOne, Description = description };

    public static Option<string> Monitor() =>
        Value("--monitor", "url", "the Monitor's address (default $CLAYBUS_MONITOR_URL or http://127.0.0.1:5103)");

    public static Option<string> Submitter() =>
        Value("--submitter", "url", "the Submitter's address (default $CLAYBUS_SUBMITTER_URL or http://127.0.0.1:5101)");
}
