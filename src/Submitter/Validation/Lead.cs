using System.Text.Json;

namespace ClayBus.Submitter.Validation;

/// <summary>
/// A normalised row: its identity (email, else domain + names), the fields read by routing, and the record to send
/// to Clay as UTF-8 JSON (<see cref="Record"/>), whose size decides whether it fits a batch.
/// </summary>
public sealed record Lead(
    int RowNumber,
    string? Email,
    string? Domain,
    string? FirstName,
    string? LastName,
    IReadOnlyDictionary<string, string> RoutingFields,
    byte[] Record)
{
    /// <summary>The record's fields for <see cref="Contracts.Delivery.BatchRow"/> (parsed on demand: only accepted rows pay for it).</summary>
    public IReadOnlyDictionary<string, JsonElement> Fields()
    {
        // ParseValue gives one unpooled document per row that the elements share: no per-field clone, no pool to return.
        var reader = new Utf8JsonReader(Record);
        var root = JsonElement.ParseValue(ref reader);
        var fields = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            fields[property.Name] = property.Value;
        }

        return fields;
    }
}

/// <summary>Why a row was not accepted: the field at fault (or <c>row</c>) and a reason that says how to fix it.</summary>
public sealed record RowProblem(int RowNumber, string Field, string Reason);
