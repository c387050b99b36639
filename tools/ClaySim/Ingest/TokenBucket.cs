namespace ClayBus.ClaySim.Ingest;

/// <summary>
/// Clay's workspace rate limit, counted in records: a request is admitted only if the bucket holds a token for
/// every record in it. Not thread-safe: every call happens under the workspace gate.
/// </summary>
internal sealed class TokenBucket(TimeProvider time)
{
    private double _tokens;
    private long _stamp = time.GetTimestamp();
    private int _capacity;
    private double _refillPerSecond;

    public double Tokens
    {
        get
        {
            Refill();
            return _tokens;
        }
    }

    public void Configure(int capacity, double refillPerSecond, bool fill)
    {
        Refill();
        _capacity = capacity;
        _refillPerSecond = refillPerSecond;
        _tokens = fill ? capacity : Math.Min(_tokens, capacity);
    }

    /// <summary>Takes <paramref name="count"/> tokens, or none and says how many whole seconds until they would be there.</summary>
    public bool TryTake(int count, out int retryAfterSeconds)
    {
        Refill();
        if (_tokens >= count)
        {
            _tokens -= count;
            retryAfterSeconds = 0;
            return true;
        }

        // A request larger than the bucket never fits; the wait shown is until the bucket is full again.
        var wanted = Math.Min(count, _capacity);
        retryAfterSeconds = Math.Max(1, (int)Math.Ceiling((wanted - _tokens) / _refillPerSecond));
        return false;
    }

    public int Capacity => _capacity;

    private void Refill()
    {
        var now = time.GetTimestamp();
        var elapsed = time.GetElapsedTime(_stamp, now);
        _stamp = now;
        _tokens = Math.Min(_capacity, _tokens + (elapsed.TotalSeconds * _refillPerSecond));
    }
}
