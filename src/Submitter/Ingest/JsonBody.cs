using System.Buffers;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Text.Json;

namespace ClayBus.Submitter.Ingest;

/// <summary>
/// A JSON job's body, checked whole before any row is used and read back a row at a time, so memory stays a few
/// buffers whatever the job's size. The body streams to a temporary file (deleted on dispose) while one pass checks
/// its UTF-8, its JSON and its shape (<see cref="JsonBodyScan"/>) and hashes it for the idempotency key; only then
/// are its rows read back from the file. A body that fails anywhere is refused before anything is published.
/// </summary>
public sealed class JsonBody : IAsyncDisposable
{
    private const int ChunkBytes = SpoolFile.ChunkBytes;
    private static readonly JsonSerializerOptions RowJson = new(JsonSerializerDefaults.Web) { MaxDepth = 64 };

    private readonly FileStream _file;

    private JsonBody(FileStream file, JsonBodyScan scan, string hash)
    {
        _file = file;
        Scan = scan;
        Hash = hash;
    }

    public JsonBodyScan Scan { get; }

    /// <summary>SHA-256 of the body as sent (lower-case hex), stored with the idempotency key.</summary>
    public string Hash { get; }

    /// <summary>Spools and checks the body. Throws <see cref="JsonBodyException"/> for bad JSON and <see cref="System.Text.DecoderFallbackException"/> for bad UTF-8.</summary>
    public static async Task<JsonBody> ReadAsync(Stream body, int maxRows, string directory, CancellationToken cancellationToken)
    {
        var file = SpoolFile.Create(directory, "json");
        try
        {
            var scan = new JsonBodyScan(maxRows);
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            var text = new Utf8Check();
            var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
            var kept = 0;
            try
            {
                while (true)
                {
                    if (kept == buffer.Length)
                    {
                        // One token larger than the buffer (a long string): grow, bounded by Ingest:MaxJsonBytes.
                        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                        buffer.AsSpan(0, kept).CopyTo(larger);
                        ArrayPool<byte>.Shared.Return(buffer);
                        buffer = larger;
                    }

                    var read = await body.ReadAsync(buffer.AsMemory(kept), cancellationToken);
                    var final = read == 0;
                    hash.AppendData(buffer, kept, read);
                    text.Check(buffer.AsSpan(kept, read), final);
                    await file.WriteAsync(buffer.AsMemory(kept, read), cancellationToken);
                    var filled = kept + read;
                    var consumed = scan.Read(buffer.AsSpan(0, filled), final);
                    if (final || scan.TooManyRows)
                    {
                        break;
                    }

                    buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
                    kept = filled - consumed;
                }
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return new JsonBody(file, scan, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }

    /// <summary>The rows of the body's <c>rows</c> array, numbered from 1, read from the spooled file as they are asked for.</summary>
    public async IAsyncEnumerable<InputRow> RowsAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Scan.RowsAt is not { } start)
        {
            yield break;
        }

        _file.Position = start;
        var state = new JsonReaderState(new JsonReaderOptions { MaxDepth = 64 });
        var buffer = new byte[ChunkBytes];
        var kept = 0;
        var number = 0;
        var done = false;
        var rows = new List<Dictionary<string, JsonElement>?>();
        while (!done)
        {
            if (kept == buffer.Length)
            {
                Array.Resize(ref buffer, buffer.Length * 2);
            }

            var read = await _file.ReadAsync(buffer.AsMemory(kept), cancellationToken);
            var filled = kept + read;
            var consumed = Take(buffer.AsSpan(0, filled), read == 0, ref state, rows, ref done);
            buffer.AsSpan(consumed, filled - consumed).CopyTo(buffer);
            kept = filled - consumed;
            foreach (var row in rows)
            {
                number++;
                yield return row is null
                    ? new InputRow(number, [], "is null: each row must be a JSON object such as {\"email\":\"ana@acme.com\"}")
                    : new InputRow(number, row.Select(pair => new InputField(pair.Key, null, pair.Value)).ToArray());
            }

            rows.Clear();
            done |= read == 0;
        }
    }

    public ValueTask DisposeAsync() => _file.DisposeAsync();

    /// <summary>The whole rows in <paramref name="data"/> (the array's own <c>[</c> is the root); a row cut by the chunk waits for the next.</summary>
    private static int Take(ReadOnlySpan<byte> data, bool isFinalBlock, ref JsonReaderState state, List<Dictionary<string, JsonElement>?> rows, ref bool done)
    {
        var reader = new Utf8JsonReader(data, isFinalBlock, state);
        while (!done)
        {
            var next = reader;
            if (!next.Read())
            {
                break;
            }

            if (next.TokenType == JsonTokenType.StartObject)
            {
                var whole = next;
                if (!whole.TrySkip())
                {
                    break;
                }

                rows.Add(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(ref next, RowJson));
            }
            else if (next.TokenType == JsonTokenType.Null)
            {
                rows.Add(null);
            }
            else if (next.TokenType == JsonTokenType.EndArray && next.CurrentDepth == 0)
            {
                done = true;
            }

            reader = next;
        }

        state = reader.CurrentState;
        return (int)reader.BytesConsumed;
    }

    /// <summary>UTF-8 checked chunk by chunk: the decoder carries a character cut by a chunk boundary to the next.</summary>
    private sealed class Utf8Check
    {
        private readonly System.Text.Decoder _decoder = new System.Text.UTF8Encoding(false, throwOnInvalidBytes: true).GetDecoder();
        private readonly char[] _chars = new char[ChunkBytes];

        /// <exception cref="System.Text.DecoderFallbackException">The bytes are not UTF-8.</exception>
        public void Check(ReadOnlySpan<byte> chunk, bool final)
        {
            do
            {
                _decoder.Convert(chunk, _chars, final, out var used, out _, out _);
                chunk = chunk[used..];
            }
            while (chunk.Length > 0);
        }
    }
}
