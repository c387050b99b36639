using System.Globalization;
using System.Text.Json;

namespace ClayBus.Monitor.Callbacks;

internal enum NumberKind
{
    Missing,
    Value,

    /// <summary>A number beyond <see cref="decimal"/>: kept as its sign's extreme, so a bound refuses it.</summary>
    OutOfRange,
    Unreadable,
}

/// <summary>A number from a callback field: a JSON number or a string holding one ("5"), never an exception.</summary>
internal readonly record struct Number(NumberKind Kind, decimal Amount)
{
    public static Number Read(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Undefined or JsonValueKind.Null => new(NumberKind.Missing, 0),
        JsonValueKind.Number => element.TryGetDecimal(out var value) ? new(NumberKind.Value, value) : FromText(element.GetRawText()),
        JsonValueKind.String => ClayCallbackReader.Text(element) is { } text ? FromText(text.Trim()) : new(NumberKind.Unreadable, 0),
        _ => new(NumberKind.Unreadable, 0),
    };

    private static Number FromText(string text)
    {
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return new(NumberKind.Value, value);
        }

        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var wide) || double.IsNaN(wide))
        {
            return new(NumberKind.Unreadable, 0);
        }

        // Only magnitudes decimal cannot hold get here: below one that is 0, above it is absurd.
        return Math.Abs(wide) < 1 ? new(NumberKind.Value, 0) : new(NumberKind.OutOfRange, wide < 0 ? decimal.MinValue : decimal.MaxValue);
    }
}
