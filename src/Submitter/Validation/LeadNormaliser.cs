using System.Buffers;
using System.Text.Json;
using ClayBus.Submitter.Ingest;

namespace ClayBus.Submitter.Validation;

/// <summary>
/// Turns an input row into a <see cref="Lead"/> or a <see cref="RowProblem"/>: trims every value, lowercases email
/// and domain, takes the domain from a URL or from the email, keeps unknown fields for Clay, and rejects a row whose
/// record cannot fit one batch. One instance per job (it reuses its buffer): not thread-safe.
/// </summary>
public sealed class LeadNormaliser(int maxRecordBytes)
{
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    public int MaxRecordBytes => maxRecordBytes;

    public (Lead? Lead, RowProblem? Problem) Normalise(InputRow row)
    {
        if (row.Problem is not null)
        {
            return (null, new RowProblem(row.Number, "row", row.Problem));
        }

        string? email = null, domain = null, rawDomain = null, first = null, last = null;
        var routing = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var field in row.Fields)
        {
            var name = FieldNames.Normalise(field.Name);
            if (name is FieldNames.Email or FieldNames.Domain or FieldNames.FirstName or FieldNames.LastName
                && field.IsJson && field.Json.ValueKind is not (JsonValueKind.String or JsonValueKind.Null))
            {
                return (null, new RowProblem(row.Number, name, $"must be a string (got a JSON {field.Json.ValueKind.ToString().ToLowerInvariant()})"));
            }

            var text = field.IsJson ? (field.Json.ValueKind == JsonValueKind.String ? field.Json.GetString() : null) : field.Text;
            text = text?.Trim();
            switch (name)
            {
                case FieldNames.Email:
                    email = string.IsNullOrEmpty(text) ? email : text.ToLowerInvariant();
                    break;
                case FieldNames.Domain:
                    rawDomain = string.IsNullOrEmpty(text) ? rawDomain : text;
                    break;
                case FieldNames.FirstName:
                    first = string.IsNullOrEmpty(text) ? first : text;
                    break;
                case FieldNames.LastName:
                    last = string.IsNullOrEmpty(text) ? last : text;
                    break;
                default:
                    if (!string.IsNullOrEmpty(text))
                    {
                        routing[name] = text;
                    }

                    break;
            }
        }

        if (email is not null && !IsEmail(email))
        {
            return (null, new RowProblem(row.Number, FieldNames.Email, $"'{Shorten(email)}' is not an email address: expected name@company.com"));
        }

        if (rawDomain is not null)
        {
            domain = Domains.FromUrlOrDomain(rawDomain);
            if (domain is null)
            {
                return (null, new RowProblem(row.Number, FieldNames.Domain, $"'{Shorten(rawDomain)}' is not a domain or URL: expected acme.com or https://www.acme.com"));
            }
        }

        domain ??= email is null ? null : Domains.FromUrlOrDomain(email);
        if (email is null && domain is null)
        {
            return (null, new RowProblem(row.Number, FieldNames.Email, "a row needs an email or a company domain: add an 'email' or 'domain' value"));
        }

        var record = Write(row, email, domain, first, last);
        if (record.Length > maxRecordBytes)
        {
            return (null, new RowProblem(row.Number, "row", $"is {record.Length:N0} bytes as JSON; a row must fit one batch ({maxRecordBytes:N0} bytes): shorten or drop the large fields"));
        }

        return (new Lead(row.Number, email, domain, first, last, routing, record), null);
    }

    private byte[] Write(InputRow row, string? email, string? domain, string? first, string? last)
    {
        _buffer.ResetWrittenCount();
        using (var writer = new Utf8JsonWriter(_buffer, WriterOptions))
        {
            writer.WriteStartObject();
            WriteIf(writer, FieldNames.Email, email);
            WriteIf(writer, FieldNames.Domain, domain);
            WriteIf(writer, FieldNames.FirstName, first);
            WriteIf(writer, FieldNames.LastName, last);
            var written = new HashSet<string>(StringComparer.Ordinal) { FieldNames.Email, FieldNames.Domain, FieldNames.FirstName, FieldNames.LastName };
            foreach (var field in row.Fields)
            {
                var name = FieldNames.Normalise(field.Name);
                if (!written.Add(name))
                {
                    continue;
                }

                if (field.IsJson)
                {
                    if (field.Json.ValueKind is JsonValueKind.Null)
                    {
                        continue;
                    }

                    writer.WritePropertyName(name);
                    if (field.Json.ValueKind == JsonValueKind.String)
                    {
                        writer.WriteStringValue(field.Json.GetString()!.Trim());
                    }
                    else
                    {
                        field.Json.WriteTo(writer);
                    }
                }
                else if (field.Text?.Trim() is { Length: > 0 } text)
                {
                    writer.WriteString(name, text);
                }
            }

            writer.WriteEndObject();
        }

        return _buffer.WrittenSpan.ToArray();
    }

    private static void WriteIf(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static bool IsEmail(string email)
    {
        var at = email.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at == email.LastIndexOf('@') && !email.Contains(' ', StringComparison.Ordinal)
            && Domains.IsDomain(email[(at + 1)..]);
    }

    private static string Shorten(string value) => value.Length <= 60 ? value : value[..60] + "…";
}
