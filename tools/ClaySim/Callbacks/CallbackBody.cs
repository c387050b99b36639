using System.Buffers;
using System.Text.Json;
using ClayBus.ClaySim.Enrichment;

namespace ClayBus.ClaySim.Callbacks;

/// <summary>
/// The HTTP API column's JSON body (docs/clay-interfaces.md §1): every field that came in, then the status, the
/// enriched fields, each provider's outcome and the credits charged. Fields of ours win over incoming ones of the
/// same name.
/// </summary>
internal static class CallbackBody
{
    private static readonly string[] Reserved = ["status", "successful_provider", "enriched", "providers", "credits"];
    private static readonly string[] Titles = ["CTO", "VP Engineering", "Head of Sales", "CFO", "Founder", "Marketing Director", "Data Engineer", "Head of Growth", "COO", "Product Manager"];
    private static readonly string[] Companies = ["Acme", "Globex", "Initech", "Umbrella", "Hooli", "Stark Industries", "Wayne Enterprises", "Vandelay"];

    public static byte[] Write(byte[] record, WaterfallOutcome outcome, ulong pick)
    {
        var buffer = new ArrayBufferWriter<byte>(record.Length + 512);
        using (var writer = new Utf8JsonWriter(buffer))
        using (var document = JsonDocument.Parse(record))
        {
            writer.WriteStartObject();
            string? email = null;
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (Reserved.Contains(property.Name, StringComparer.Ordinal))
                {
                    continue;
                }

                if (property.NameEquals("email") && property.Value.ValueKind == JsonValueKind.String)
                {
                    email = property.Value.GetString();
                }

                property.WriteTo(writer);
            }

            writer.WriteString("status", outcome.Status);
            writer.WriteString("successful_provider", outcome.SuccessfulProvider);
            WriteEnriched(writer, outcome, email, pick);
            writer.WriteStartArray("providers");
            foreach (var provider in outcome.Providers)
            {
                writer.WriteStartObject();
                writer.WriteString("provider", provider.Provider);
                writer.WriteString("result", provider.Result);
                writer.WriteNumber("data_credits", provider.DataCredits);
                if (provider.LatencyMs is { } latency)
                {
                    writer.WriteNumber("latency_ms", latency);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartObject("credits");
            writer.WriteNumber("data_credits", outcome.DataCredits);
            // The body only reaches the receiver when the HTTP API call goes through, so its Action is included.
            writer.WriteNumber("actions", outcome.ActionsWithCallback);
            writer.WriteEndObject();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteEnriched(Utf8JsonWriter writer, WaterfallOutcome outcome, string? email, ulong pick)
    {
        if (outcome.SuccessfulProvider is null)
        {
            writer.WriteNull("enriched");
            return;
        }

        var at = email?.IndexOf('@', StringComparison.Ordinal) ?? -1;
        var person = at > 0 ? email![..at] : "lead";
        var domain = at > 0 ? email![(at + 1)..] : null;
        var company = domain is { Length: > 0 } ? Capitalize(domain.Split('.')[0]) : Companies[pick % (ulong)Companies.Length];
        writer.WriteStartObject("enriched");
        writer.WriteString("job_title", Titles[(pick >> 8) % (ulong)Titles.Length]);
        writer.WriteString("company_name", company);
        writer.WriteString("linkedin_url", $"https://www.linkedin.com/in/{Slug(person)}-{(pick >> 16) & 0xFFFFFF:x6}");
        writer.WriteEndObject();
    }

    private static string Capitalize(string word) => word.Length == 0 ? word : char.ToUpperInvariant(word[0]) + word[1..];

    private static string Slug(string text) => new([.. text.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).Take(40)]);
}
