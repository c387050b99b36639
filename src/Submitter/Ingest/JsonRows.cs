using System.Runtime.CompilerServices;
using System.Text.Json;

namespace ClayBus.Submitter.Ingest;

/// <summary>JSON rows (from the API body or a <c>SubmitJob</c> message) as input rows.</summary>
public static class JsonRows
{
    public static async IAsyncEnumerable<InputRow> From(IEnumerable<IReadOnlyDictionary<string, JsonElement>?> rows, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var number = 0;
        foreach (var row in rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            number++;
            yield return row is null
                ? new InputRow(number, [], "is null: each row must be a JSON object such as {\"email\":\"ana@acme.com\"}")
                : new InputRow(number, row.Select(pair => new InputField(pair.Key, null, pair.Value)).ToArray());
        }

        await Task.CompletedTask;
    }
}
