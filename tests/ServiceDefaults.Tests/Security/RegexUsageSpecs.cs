using System.Text.RegularExpressions;

namespace ClayBus.ServiceDefaults.Tests.Security;

/// <summary>
/// No input can make validation slow: every regular expression in src/ and tools/ is source-generated with a match
/// timeout or the non-backtracking engine. (Options' [RegularExpression] attributes check configuration at start,
/// not callers' input, and carry the attribute's own match timeout.)
/// </summary>
public sealed partial class RegexUsageSpecs
{
    [Fact]
    public void Should_find_no_regex_without_a_timeout_or_the_non_backtracking_engine()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (root is not null && !File.Exists(Path.Combine(root.FullName, "ClayBus.sln")))
        {
            root = root.Parent;
        }

        Assert.NotNull(root);
        var offenders = new List<string>();
        foreach (var folder in new[] { "src", "tools" })
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(root.FullName, folder), "*.cs", SearchOption.AllDirectories))
            {
                if (file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                    || file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                {
                    continue;
                }

                var text = File.ReadAllText(file);
                offenders.AddRange(Constructed().Matches(text).Select(match => $"{file}: {match.Value.Trim()}"));
                offenders.AddRange(Generated().Matches(text)
                    .Where(match => !match.Value.Contains("NonBacktracking", StringComparison.Ordinal) && !match.Value.Contains("matchTimeoutMilliseconds", StringComparison.Ordinal) && !TimeoutArgument().IsMatch(match.Value))
                    .Select(match => $"{file}: {match.Value.Trim()} has neither a match timeout nor RegexOptions.NonBacktracking"));
            }
        }

        Assert.True(offenders.Count == 0, "Make these [GeneratedRegex(..., matchTimeoutMilliseconds: …)] or NonBacktracking:\n" + string.Join("\n", offenders));
    }

    // new Regex(…) and the static Regex.IsMatch/Match/Matches/Replace/Split helpers compile a backtracking regex at run time.
    [GeneratedRegex(@"new\s+Regex\s*\(|\bRegex\s*\.\s*(IsMatch|Match|Matches|Replace|Split|Count|EnumerateMatches)\s*\(", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Constructed();

    // To the attribute's last ")]" on its line: a pattern may hold brackets of its own ([0-9a-f]).
    [GeneratedRegex(@"\[GeneratedRegex\(.*\)\]", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Generated();

    // The positional form: [GeneratedRegex("…", RegexOptions.X, 1000)].
    [GeneratedRegex(@",\s*\d+\s*\)\]$", RegexOptions.None, matchTimeoutMilliseconds: 1000)]
    private static partial Regex TimeoutArgument();
}
