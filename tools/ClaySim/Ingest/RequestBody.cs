using System.Buffers;

namespace ClayBus.ClaySim.Ingest;

/// <summary>
/// Reads a request body into a pooled buffer, never more than Clay's 100 KB: a chunked body without a
/// Content-Length is counted while it is read, so it cannot slip past the limit.
/// </summary>
internal sealed class RequestBody : IDisposable
{
    public const int MaxBytes = 102_400;

    private byte[]? _buffer;

    private RequestBody(byte[] buffer, int length, bool tooLarge)
    {
        _buffer = buffer;
        Length = length;
        TooLarge = tooLarge;
    }

    public int Length { get; }

    public bool TooLarge { get; }

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _buffer.AsMemory(0, Length);

    public static async Task<RequestBody> ReadAsync(Stream body, CancellationToken cancellation)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxBytes + 1);
        var length = 0;
        int read;
        while ((read = await body.ReadAsync(buffer.AsMemory(length, MaxBytes + 1 - length), cancellation)) > 0)
        {
            length += read;
            if (length > MaxBytes)
            {
                return new RequestBody(buffer, length, tooLarge: true);
            }
        }

        return new RequestBody(buffer, length, tooLarge: false);
    }

    public void Dispose()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
