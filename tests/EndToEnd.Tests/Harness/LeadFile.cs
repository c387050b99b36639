using System.Globalization;
using System.Text;

namespace ClayBus.EndToEnd.Tests.Harness;

/// <summary>
/// A synthetic lead file with known answers: rows spread evenly over the four routed tables, plus repeats of earlier
/// rows and rows with neither an email nor a domain. Every valid lead has its own email and company, so what the
/// Submitter must accept is exactly <see cref="ExpectedAccepted"/>, and each table's share is known.
/// </summary>
public sealed class LeadFile
{
    /// <summary>How each table is reached by the Submitter's default routing rules.</summary>
    public static readonly IReadOnlyList<(string Table, string Industry, string Source)> Routes =
    [
        ("outbound-leads-tech", "Software", "outbound"),
        ("outbound-leads-finance", "Financial Services", "outbound"),
        ("inbound-leads", "Retail", "web-form"),
        ("event-attendees", "Manufacturing", "event"),
    ];

    private LeadFile(string csv, int rows, IReadOnlyDictionary<string, int> perTable, int duplicates, int invalid)
    {
        Csv = csv;
        Rows = rows;
        ExpectedPerTable = perTable;
        Duplicates = duplicates;
        Invalid = invalid;
    }

    public string Csv { get; }

    /// <summary>Data rows in the file (header excluded).</summary>
    public int Rows { get; }

    public IReadOnlyDictionary<string, int> ExpectedPerTable { get; }

    public int Duplicates { get; }

    public int Invalid { get; }

    public int ExpectedAccepted => ExpectedPerTable.Values.Sum();

    /// <param name="unique">Valid, distinct leads.</param>
    /// <param name="batch">Makes emails and companies unique to this file, so files of one run never dedupe each other.</param>
    public static LeadFile Create(int unique, string batch, int duplicateEvery = 97, int invalidEvery = 211)
    {
        if (batch.Length == 0 || !batch.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
        {
            throw new ArgumentException($"'{batch}' must be lowercase letters, digits and '-': it becomes part of a domain", nameof(batch));
        }

        var csv = new StringBuilder("email,first_name,last_name,company,domain,title,industry,source,country\n");
        var perTable = Routes.ToDictionary(route => route.Table, _ => 0);
        int duplicates = 0, invalid = 0;
        string? previous = null;
        for (var i = 0; i < unique; i++)
        {
            var (table, industry, source) = Routes[i % Routes.Count];
            var company = string.Create(CultureInfo.InvariantCulture, $"acme-{batch}-{i}");
            var row = string.Create(CultureInfo.InvariantCulture, $"lead{i}@{company}.com,Ana{i},Lopez,Acme {i},{company}.com,VP Sales,{industry},{source},US\n");
            csv.Append(row);
            perTable[table]++;
            if (i % duplicateEvery == duplicateEvery - 1 && previous is not null)
            {
                csv.Append(previous);
                duplicates++;
            }

            if (i % invalidEvery == invalidEvery - 1)
            {
                csv.Append(CultureInfo.InvariantCulture, $",Nobody{i},Nameless,No Contact {i},,Intern,{industry},{source},US\n");
                invalid++;
            }

            previous = row;
        }

        return new LeadFile(csv.ToString(), unique + duplicates + invalid, perTable, duplicates, invalid);
    }
}
