using System.Globalization;
using ClayBus.Cli.Console;

namespace ClayBus.Cli.DeadLetters;

/// <summary>The command line's <c>--rate</c> and <c>--canary-wait</c>, in the units the Monitor takes (per second, seconds).</summary>
public static class RequeuePace
{
    // The Monitor's bounds (src/Monitor/Operations/RequeueRunRequest.cs): checked here too, for a usage error before any request.
    public const double MinimumRate = 0.1;
    public const double MaximumRate = 1_000;
    public const int MaximumCanaryWaitSeconds = 3_600;

    /// <summary><c>10/s</c>, <c>10</c> (per second), <c>600/min</c>, <c>3600/h</c> → messages per second.</summary>
    public static double Rate(string text)
    {
        var parts = text.Trim().Split('/', 2);
        var per = parts.Length == 1 ? 1 : parts[1].Trim().ToLowerInvariant() switch
        {
            "s" or "sec" or "second" => 1,
            "m" or "min" or "minute" => 60,
            "h" or "hour" => 3_600,
            _ => 0,
        };
        if (per == 0 || !double.TryParse(parts[0], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count))
        {
            throw new UsageException($"--rate must be a count per second, minute or hour, e.g. 10/s, 10 or 600/min; got '{text}'");
        }

        var perSecond = count / per;
        return perSecond is >= MinimumRate and <= MaximumRate
            ? perSecond
            : throw new UsageException($"--rate must be between 0.1/s (6/min) and 1000/s; got '{text}' ({perSecond.ToString("0.###", CultureInfo.InvariantCulture)}/s)");
    }

    /// <summary><c>30s</c>, <c>30</c> (seconds), <c>2m</c> → whole seconds.</summary>
    public static int Seconds(string text)
    {
        var trimmed = text.Trim().ToLowerInvariant();
        var (number, unit) = trimmed.EndsWith("min", StringComparison.Ordinal) ? (trimmed[..^3], 60)
            : trimmed.EndsWith('m') ? (trimmed[..^1], 60)
            : trimmed.EndsWith('s') ? (trimmed[..^1], 1)
            : (trimmed, 1);
        return int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value * unit <= MaximumCanaryWaitSeconds
            ? value * unit
            : throw new UsageException($"--canary-wait must be a duration up to 1 hour, e.g. 30s, 30 or 2m; got '{text}'");
    }
}
