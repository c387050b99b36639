using System.Buffers;
using System.Security.Cryptography;

namespace ClayBus.Submitter.Ingest;

/// <summary>
/// A CSV upload under an idempotency key: streamed to a temporary file (deleted on dispose) while it is hashed, so the
/// key's stored hash can be compared before any row is used; the rows are then read back from the file. Memory stays
/// one buffer whatever the size (up to Ingest:MaxCsvBytes). Uploads without a key stream straight to the rows.
/// </summary>
public sealed class CsvBody : IAsyncDisposable
{
    private const int ChunkBytes = SpoolFile.ChunkBytes;

    private CsvBody(FileStream file, string hash)
    {
        File = file;
        Hash = hash;
    }

    /// <summary>The spooled upload, at its start.</summary>
    public FileStream File { get; }

    /// <summary>SHA-256 of the body as sent (lower-case hex), stored with the idempotency key.</summary>
    public string Hash { get; }

    /// <summary>Throws what reading the request throws (over the size limit, too slow): the caller words those.</summary>
    public static async Task<CsvBody> SpoolAsync(Stream body, string directory, CancellationToken cancellationToken)
    {
        var file = SpoolFile.Create(directory, "csv");
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkBytes);
        try
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            int read;
            while ((read = await body.ReadAsync(buffer.AsMemory(0, ChunkBytes), cancellationToken)) > 0)
            {
                hash.AppendData(buffer, 0, read);
                await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
            }

            await file.FlushAsync(cancellationToken);
            file.Position = 0;
            return new CsvBody(file, Convert.ToHexStringLower(hash.GetHashAndReset()));
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public ValueTask DisposeAsync() => File.DisposeAsync();
}
