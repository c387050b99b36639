using System.Text.Json;

namespace ClayBus.Submitter.Ingest;

/// <summary>One field of an input row: text from a CSV cell, or a JSON value from an API or message row.</summary>
public readonly record struct InputField(string Name, string? Text, JsonElement Json = default)
{
    public bool IsJson => Json.ValueKind != JsonValueKind.Undefined;
}

/// <summary>One row as read from the input, before validation. <see cref="Problem"/> is set when the reader already knows it is bad.</summary>
/// <param name="Number">1-based row number in the input (the CSV header is row 0).</param>
public sealed record InputRow(int Number, IReadOnlyList<InputField> Fields, string? Problem = null);
