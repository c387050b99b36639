using System.Globalization;
using System.Text;

namespace ClayBus.Cli.Status;

/// <summary>Text progress bars that sit in table cells and live displays alike (Spectre's own bars own the whole screen).</summary>
internal static class Bars
{
    public const int Width = 24;

    /// <summary>One bar with coloured segments (e.g. enriched green, failed red) out of <paramref name="total"/>, then "n/total".</summary>
    public static string Markup(long total, params (long Value, string Color)[] segments)
    {
        var bar = new StringBuilder();
        var used = 0;
        foreach (var (value, color) in segments)
        {
            var cells = total <= 0 ? 0 : (int)Math.Min(Width - used, Math.Floor((double)value * Width / total));
            if (cells > 0)
            {
                bar.Append(CultureInfo.InvariantCulture, $"[{color}]{new string('█', cells)}[/]");
                used += cells;
            }
        }

        bar.Append(CultureInfo.InvariantCulture, $"[grey]{new string('░', Width - used)}[/]");
        var done = segments.Sum(segment => segment.Value);
        return bar + Spectre.Console.Markup.Escape(string.Create(CultureInfo.InvariantCulture, $" {done:N0}/{total:N0}"));
    }

    public static string Percent(long value, long total) =>
        total <= 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{Math.Min(100.0, 100.0 * value / total):0}%");
}
