using System.Text;
using ClayBus.Submitter.Ingest;
using ClayBus.Submitter.Validation;

namespace ClayBus.Submitter.Tests.Ingest;

public class CsvRowsSpecs
{
    [Fact]
    public async Task Should_stream_ten_thousand_rows_and_flag_only_the_three_bad_ones()
    {
        var csv = new StringBuilder("email,first_name,last_name,company,industry,source\n");
        for (var row = 1; row <= 10_000; row++)
        {
            csv.Append(row switch
            {
                1234 => "\"broken@quote.com,Ana\"x,Li,Acme,Software,web-form\n",
                5000 => "short@row.com,Ana\n",
                9999 => "not-an-email,Bob,Li,Acme,Software,event\n",
                _ => $"lead{row}@company{row % 500}.com,First{row},Last{row},\"Company, Inc {row}\",Software,web-form\n",
            });
        }

        var normaliser = new LeadNormaliser(90_000);
        var problems = new List<RowProblem>();
        var good = 0;
        await foreach (var row in CsvRows.ReadAsync(Stream(csv.ToString()), 1 << 20, 100_000))
        {
            var (lead, problem) = normaliser.Normalise(row);
            if (problem is null)
            {
                good++;
                Assert.Equal($"Company, Inc {row.Number}", lead!.RoutingFields["company"]);
            }
            else
            {
                problems.Add(problem);
            }
        }

        Assert.Equal(9_997, good);
        Assert.Equal([1234, 5000, 9999], problems.Select(problem => problem.RowNumber));
        Assert.Contains("quot", problems[0].Reason, StringComparison.Ordinal);
        Assert.Contains("has 2 fields but the header has 6", problems[1].Reason, StringComparison.Ordinal);
        Assert.Equal("email", problems[2].Field);
    }

    [Theory]
    [InlineData("", 422, "is empty")]
    [InlineData("name,company\nAna,Acme\n", 422, "no email or domain column")]
    [InlineData("email,Email\na@b.com,c@d.com\n", 422, "more than once")]
    public async Task Should_refuse_a_file_that_cannot_be_read(string csv, int status, string reason)
    {
        var failure = await Assert.ThrowsAsync<InputException>(async () =>
        {
            await foreach (var _ in CsvRows.ReadAsync(Stream(csv), 1 << 20, 100_000))
            {
            }
        });

        Assert.Equal(status, failure.Status);
        Assert.Contains(reason, failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_stop_with_413_on_a_field_over_the_limit()
    {
        var csv = "email,notes\na@acme.com,ok\nb@acme.com," + new string('x', 2_000_000) + "\n";

        var failure = await Assert.ThrowsAsync<InputException>(async () =>
        {
            await foreach (var _ in CsvRows.ReadAsync(Stream(csv), 1 << 20, 100_000))
            {
            }
        });

        Assert.Equal(413, failure.Status);
        Assert.Contains("per-field limit", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_take_a_file_of_exactly_the_row_limit_blank_lines_not_counted()
    {
        var csv = "email\n" + string.Concat(Enumerable.Range(1, 1_000).Select(row => $"lead{row}@acme.com\n\n"));

        var rows = new List<InputRow>();
        await foreach (var row in CsvRows.ReadAsync(Stream(csv), 1 << 20, 1_000))
        {
            rows.Add(row);
        }

        Assert.Equal(1_000, rows.Count);
    }

    [Fact]
    public async Task Should_stop_with_413_after_the_row_limit_having_yielded_the_rows_before_it()
    {
        var csv = "email\n" + string.Concat(Enumerable.Range(1, 1_500).Select(row => $"lead{row}@acme.com\n"));
        var rows = new List<InputRow>();

        var failure = await Assert.ThrowsAsync<InputException>(async () =>
        {
            await foreach (var row in CsvRows.ReadAsync(Stream(csv), 1 << 20, 1_000))
            {
                rows.Add(row);
            }
        });

        Assert.Equal(413, failure.Status);
        Assert.Equal("file", failure.Field);
        Assert.Contains("Ingest:MaxCsvRows", failure.Message, StringComparison.Ordinal);
        Assert.Contains("split it", failure.Message, StringComparison.Ordinal);
        Assert.Contains("rows 1 to 1,000 were read", failure.Message, StringComparison.Ordinal);
        Assert.Equal(Enumerable.Range(1, 1_000), rows.Select(row => row.Number));
    }

    private static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));
}
