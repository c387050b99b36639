using System.Text.RegularExpressions;

namespace ClayBus.Monitor.Status;

/// <summary>
/// The cause of a fault as dead-letter groups compare it: the first line of the exception message with ids (GUIDs,
/// hex tokens), numbers and row counts replaced, so "batch 3f2a… has no rows" letters form one group, not one each.
/// An HTTP status after "answered", "answering", "HTTP" or "status" is kept: it is the cause, not an id.
/// </summary>
public static partial class FaultCause
{
    public const int MaxLength = 200;

    public static string Of(string? message)
    {
        // A fault message comes from outside: bounded before the patterns run, and each pattern has a time limit.
        var firstLine = (message ?? "").Split('\n', 2)[0].Trim();
        firstLine = firstLine.Length <= 4 * MaxLength ? firstLine : firstLine[..(4 * MaxLength)];
        string cause;
        try
        {
            cause = GuidPattern().Replace(firstLine, "<id>");
            cause = HexPattern().Replace(cause, "<id>");
            cause = NumberPattern().Replace(cause, match => IsStatusCode(cause, match) ? match.Value : "<n>");
            cause = SpacePattern().Replace(cause, " ").Trim();
        }
        catch (RegexMatchTimeoutException)
        {
            cause = firstLine;
        }

        return cause.Length <= MaxLength ? cause : cause[..MaxLength];
    }

    private static bool IsStatusCode(string text, Match match)
    {
        if (match.Length != 3 || match.Value[0] is < '1' or > '5')
        {
            return false;
        }

        var before = text[..match.Index].TrimEnd();
        return before.EndsWith("answered", StringComparison.OrdinalIgnoreCase)
            || before.EndsWith("answering", StringComparison.OrdinalIgnoreCase)
            || before.EndsWith("HTTP", StringComparison.OrdinalIgnoreCase)
            || before.EndsWith("status", StringComparison.OrdinalIgnoreCase);
    }

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex GuidPattern();

    // Six or more hex characters with at least one digit and one letter (a word such as "decade" stays).
    [GeneratedRegex(@"\b(?:0x)?(?=[0-9a-fA-F]*[0-9])(?=[0-9a-fA-F]*[a-fA-F])[0-9a-fA-F]{6,}\b", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex HexPattern();

    [GeneratedRegex(@"(?<![A-Za-z<])\d+(?:[.,:]\d+)*", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex NumberPattern();

    [GeneratedRegex(@"\s+", RegexOptions.None, matchTimeoutMilliseconds: 100)]
    private static partial Regex SpacePattern();
}
