using System.Globalization;
using System.Text;

namespace ClayBus.Cli.Status;

/// <summary>
/// Text progress bars that sit in table cells and live displays alike (Spectre's own bars own the whole screen),
/// as wide as the terminal allows: on a narrow one the figures stay and the bar shrinks or goes.
/// </summary>
internal static class Bars
{
    public const int MaxWidth = 24;

    /// <summary>The bar width that lets <paramref name="columns"/> bar cells of "bar n/total" share <paramref name="available"/> characters.</summary>
    public static int WidthFor(int available, int columns, long largestTotal)
    {
        var figures = Figures(largestTotal, largestTotal).Length + 1;
        var width = (available / Math.Max(1, columns)) - figures;
        return width < 6 ? 0 : Math.Min(MaxWidth, width);
    }

    /// <summary>One bar with coloured segments (e.g. enriched green, failed red) out of <paramref name="total"/>, then "n/total".</summary>
    public static string Markup(int width, long total, params (long Value, string Color)[] segments)
    {
        var done = segments.Sum(segment => segment.Value);
        var figures = Spectre.Console.Markup.Escape(Figures(done, total));
        if (width <= 0)
        {
            return $"{figures} {Percent(done, total)}";
        }

        var bar = new StringBuilder();
        var used = 0;
        foreach (var (value, color) in segments)
        {
            var cells = total <= 0 ? 0 : (int)Math.Min(width - used, Math.Floor((double)value * width / total));
            if (cells > 0)
            {
                bar.Append(CultureInfo.InvariantCulture, $"[{color}]{new string('█', cells)}[/]");
                used += cells;
            }
        }

        bar.Append(CultureInfo.InvariantCulture, $"[grey]{new string('░', width - used)}[/] {figures}");
        return bar.ToString();
    }

    public static string Percent(long value, long total) =>
        total <= 0 ? "–" : string.Create(CultureInfo.InvariantCulture, $"{Math.Min(100.0, 100.0 * value / total):0}%");

    private static string Figures(long done, long total) => string.Create(CultureInfo.InvariantCulture, $"{done:N0}/{total:N0}");
}
