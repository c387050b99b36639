using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using ClayBus.Submitter.Validation;
using CsvHelper;
using CsvHelper.Configuration;

namespace ClayBus.Submitter.Ingest;

/// <summary>
/// Reads CSV rows from a stream as they arrive (never the whole file). A broken line becomes a bad row and the rest
/// goes on; a file that cannot be read at all (empty, no usable header, a giant cell, over the size or row limit,
/// arriving too slowly) stops with an <see cref="InputException"/> naming what to fix. The rows yielded before the
/// stop stand: the job publishes and reports them.
/// </summary>
public static class CsvRows
{
    private const string HeaderExample = "email,domain,first_name,last_name,company,industry,source";

    public static async IAsyncEnumerable<InputRow> ReadAsync(Stream body, int maxFieldBytes, int maxRows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        string? badData = null;
        var configuration = new CsvConfiguration(CultureInfo.InvariantCulture)
        {
            MaxFieldSize = maxFieldBytes,
            IgnoreBlankLines = true,
            BadDataFound = args => badData ??= args.RawRecord,
        };
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 64 * 1024, leaveOpen: true);
        using var parser = new CsvParser(reader, configuration);
        if (!await ReadAsync(parser, 0))
        {
            throw new InputException(422, "file", $"is empty: the first line must be a header such as {HeaderExample}");
        }

        var header = parser.Record ?? [];
        CheckHeader(header, badData);
        badData = null;
        var number = 0;
        while (await ReadAsync(parser, number + 1))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (number == maxRows)
            {
                // Found only by reading one row more, so a file of exactly the limit goes through.
                throw new InputException(413, "file", $"has more than {maxRows:N0} rows, the limit (Ingest:MaxCsvRows): split it into files of at most {maxRows:N0} rows; rows 1 to {maxRows:N0} were read (see the report), send the rest as another file");
            }

            number++;
            var record = parser.Record ?? [];
            string? problem = null;
            if (badData is not null)
            {
                problem = $"broken CSV quoting near '{Shorten(badData)}': quote a field that holds a comma, quote or line break, and double every quote inside it (\"\")";
                badData = null;
            }
            else if (record.Length != header.Length && !(record.Length == 1 && record[0].Length == 0))
            {
                problem = $"has {record.Length} fields but the header has {header.Length}: check the commas and quoting of this line";
            }

            var fields = new InputField[Math.Min(record.Length, header.Length)];
            for (var index = 0; index < fields.Length; index++)
            {
                fields[index] = new InputField(header[index], record[index]);
            }

            yield return new InputRow(number, fields, problem);
        }
    }

    private static async Task<bool> ReadAsync(CsvParser parser, int row)
    {
        try
        {
            return await parser.ReadAsync();
        }
        catch (MaxFieldSizeException)
        {
            throw new InputException(413, "file", $"row {row} has a field over the per-field limit: a quote may be unclosed (everything after it becomes one field), or a cell is too large; a row must fit a 90 KB batch anyway");
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new InputException(413, "file", $"is larger than the upload limit (Ingest:MaxCsvBytes): split it into several files; {ReadBefore(row)}, send the rest as another file");
        }
        catch (Microsoft.AspNetCore.Http.BadHttpRequestException exception) when (exception.StatusCode == StatusCodes.Status408RequestTimeout)
        {
            throw new InputException(408, "file", $"arrived more slowly than the minimum rate (Ingest:MinBodyBytesPerSecond) and was cut off: upload from a faster link or in smaller files; {ReadBefore(row)}");
        }
        catch (DecoderFallbackException)
        {
            throw new InputException(422, "file", $"is not UTF-8 text near row {row}: save the file as UTF-8 CSV");
        }
    }

    private static string ReadBefore(int row) =>
        row <= 1 ? "no row was read" : $"rows 1 to {row - 1:N0} were read (see the report)";

    private static void CheckHeader(string[] header, string? badData)
    {
        if (badData is not null)
        {
            throw new InputException(422, "header", $"has broken CSV quoting: the first line must be a plain header such as {HeaderExample}");
        }

        var names = header.Select(FieldNames.Normalise).ToList();
        if (!names.Contains(FieldNames.Email) && !names.Contains(FieldNames.Domain))
        {
            throw new InputException(422, "header", $"has no email or domain column (found: {Shorten(string.Join(",", header))}): the first line must be a header such as {HeaderExample}");
        }

        var repeated = names.GroupBy(name => name, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1 && group.Key.Length > 0);
        if (repeated is not null)
        {
            throw new InputException(422, "header", $"names the column '{repeated.Key}' more than once (after folding spellings such as Email/email_address): keep one");
        }
    }

    private static string Shorten(string value)
    {
        var line = value.ReplaceLineEndings(" ");
        return line.Length <= 80 ? line : line[..80] + "…";
    }
}
