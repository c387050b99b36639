using System.Globalization;

namespace ClayBus.Cli.Console;

/// <summary>
/// The command line after the command name: positionals, <c>--name value</c> / <c>--name=value</c> options and
/// <c>--flag</c> switches. Hand-parsed: the commands are few and simple, and a parser library would be one more
/// dependency to pin.
/// </summary>
public sealed class Arguments
{
    private readonly Dictionary<string, string?> _options = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _read = new(StringComparer.OrdinalIgnoreCase);

    private Arguments(List<string> positionals) => Positionals = positionals;

    public IReadOnlyList<string> Positionals { get; }

    /// <param name="flags">Options that take no value (e.g. <c>dry-run</c>).</param>
    public static Arguments Parse(IEnumerable<string> args, params string[] flags)
    {
        var positionals = new List<string>();
        var result = new Arguments(positionals);
        var items = args.ToList();
        for (var index = 0; index < items.Count; index++)
        {
            var item = items[index];
            if (!item.StartsWith("--", StringComparison.Ordinal))
            {
                positionals.Add(item);
                continue;
            }

            var name = item[2..];
            var equals = name.IndexOf('=', StringComparison.Ordinal);
            if (equals >= 0)
            {
                result._options[name[..equals]] = name[(equals + 1)..];
            }
            else if (flags.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                result._options[name] = "true";
            }
            else
            {
                // "--monitor --watch" is a forgotten value, not a monitor named "--watch".
                result._options[name] = index + 1 < items.Count && !items[index + 1].StartsWith("--", StringComparison.Ordinal)
                    ? items[++index]
                    : throw new UsageException($"--{name} needs a value");
            }
        }

        return result;
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

    /// <summary>Fails on options the command never asked about (a typo should not be silently ignored).</summary>
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
