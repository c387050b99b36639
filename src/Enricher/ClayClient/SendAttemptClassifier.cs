using System.Net;
using System.Net.Sockets;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Timeout;

namespace ClayBus.Enricher.ClayClient;

/// <summary>What Clay can hold after one attempt.</summary>
public enum AttemptOutcome
{
    /// <summary>2xx: Clay stored the request.</summary>
    Stored,

    /// <summary>Clay has nothing: a 4xx or 429 (refused before storing), or the request never left (breaker open, connection refused).</summary>
    NothingStored,

    /// <summary>Clay may have stored it: a timeout, a connection lost after the body went out, a 5xx.</summary>
    Ambiguous,
}

/// <summary>
/// Classifies an attempt by what Clay can hold afterwards. Only "nothing stored" failures may be retried in the process:
/// retrying an ambiguous one is a duplicate whenever Clay did store it. Unknown failures count as ambiguous (safe).
/// </summary>
public static class SendAttemptClassifier
{
    public static AttemptOutcome Classify(HttpStatusCode? status, Exception? failure)
    {
        if (status is { } code)
        {
            var value = (int)code;
            return value is >= 200 and < 300 ? AttemptOutcome.Stored
                : value >= 500 ? AttemptOutcome.Ambiguous
                : AttemptOutcome.NothingStored;
        }

        return failure switch
        {
            BrokenCircuitException or RateLimiterRejectedException => AttemptOutcome.NothingStored,
            TimeoutRejectedException => AttemptOutcome.Ambiguous,
            HttpRequestException http when NeverConnected(http) => AttemptOutcome.NothingStored,
            _ => AttemptOutcome.Ambiguous,
        };
    }

    // A name that did not resolve, a refused connection or a failed TLS handshake: no byte of the body left.
    private static bool NeverConnected(HttpRequestException http) =>
        http.HttpRequestError is HttpRequestError.NameResolutionError or HttpRequestError.SecureConnectionError
        || (http.HttpRequestError == HttpRequestError.ConnectionError
            && http.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused or SocketError.HostUnreachable or SocketError.NetworkUnreachable or SocketError.HostNotFound });
}
