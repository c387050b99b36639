using System.CommandLine;
using System.Globalization;

namespace ClayBus.Cli.Console;

/// <summary>
/// What System.CommandLine parsed for one command, as the command reads it: positionals, option values by name
/// (without the dashes) and switches. Numbers are checked here so every command words a bad one the same way.
/// </summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string?> _options;
    private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);

    private Arguments(IReadOnlyList<string> positionals, Dictionary<string, string?> options)
    {
        Positionals = positionals;
        _options = options;
    }

    public IReadOnlyList<string> Positionals { get; }

    /// <summary>The given arguments and options of <paramref name="command"/>; options left out are absent, not defaulted.</summary>
    /// <exception cref="UsageException">An option whose value is another option: "--state --watch" is a forgotten value,
    /// not a state named "--watch".</exception>
    public static Arguments From(ParseResult result, Command command)
    {
        var positionals = command.Arguments.SelectMany(argument => result.GetResult(argument)?.Tokens.Select(token => token.Value) ?? []).ToList();
        var options = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var option in command.Options)
        {
            if (result.GetResult(option) is not { Implicit: false } given)
            {
                continue;
            }

            var value = option.Arity.MaximumNumberOfValues == 0 ? "true" : given.Tokens.Count > 0 ? given.Tokens[^1].Value : null;
            options[option.Name.TrimStart('-')] = value is not null && command.Options.Any(other => other.Name == value)
                ? throw new UsageException($"{option.Name} needs a value")
                : value;
        }

        return new Arguments(positionals, options);
    }

    public string? Option(string name)
    {
        _read.Add(name);
        return _options.GetValueOrDefault(name);
    }

    public bool Flag(string name) => Option(name) is { } value && value is not ("false" or "0" or "no");

    public long? Number(string name) =>
        Option(name) is not { } text ? null
        : long.TryParse(text.Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value
        : throw new UsageException($"--{name} must be a whole number ≥ 0, got '{text}'");

    public decimal? Amount(string name) =>
        Option(name) is not { } text ? null
        : decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var value) && value >= 0 ? value
        : throw new UsageException($"--{name} must be a number ≥ 0, got '{text}'");

    /// <summary>Fails on an option the command declared but never read: a parameter list and a command out of step.</summary>
    public void RejectUnknown()
    {
        var unknown = _options.Keys.Where(key => !_read.Contains(key)).ToList();
        if (unknown.Count > 0)
        {
            throw new UsageException($"unknown option{(unknown.Count > 1 ? "s" : "")}: {string.Join(", ", unknown.Select(key => "--" + key))}");
        }
    }
}

/// <summary>The command line is wrong: the message says what to change. Exit code 2.</summary>
public sealed class UsageException(string message) : Exception(message);
