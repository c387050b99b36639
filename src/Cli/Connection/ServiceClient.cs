using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using ClayBus.Cli.Console;

namespace ClayBus.Cli.Connection;

/// <summary>
/// Talks JSON to one ClayBus service with the API key attached, and turns every way a request can fail into one of
/// two exceptions whose message is fit to print: <see cref="ServiceUnreachableException"/> (nothing answered) or
/// <see cref="ServiceProblemException"/> (it answered with an error).
/// </summary>
public sealed class ServiceClient : IDisposable
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(15);

    private readonly HttpClient _http;

    public ServiceClient(ServiceAddress address, Terminal terminal, TimeSpan? timeout = null)
    {
        Address = address;
        _http = new HttpClient { BaseAddress = address.BaseAddress, Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        _http.DefaultRequestHeaders.Add(ApiKey.Header, ApiKey.From(terminal));
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("claybus-cli");
        Timeout = timeout ?? RequestTimeout;
    }

    public ServiceAddress Address { get; }

    /// <summary>For a caller that streams its own request (the CSV upload): the configured client, header included.</summary>
    public HttpClient Http => _http;

    public TimeSpan Timeout { get; }

    public async Task<T> GetAsync<T>(string path, CancellationToken cancellationToken)
    {
        var body = await SendAsync(HttpMethod.Get, path, null, cancellationToken);
        return JsonSerializer.Deserialize<T>(body, Json) ?? throw new ServiceUnreachableException($"the {Address.Service} at {Address.BaseAddress} answered GET {path} with an empty body");
    }

    /// <summary>
    /// A listing served a page at a time: follows the <c>X-Next-Cursor</c> header (as <c>cursor=</c>) until
    /// <paramref name="atMost"/> items are read or the service says there is no next page.
    /// </summary>
    public async Task<List<T>> GetPagesAsync<T>(string path, int atMost, CancellationToken cancellationToken)
    {
        var items = new List<T>();
        string? cursor = null;
        do
        {
            var page = cursor is null ? path : path + (path.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "cursor=" + Uri.EscapeDataString(cursor);
            (var body, cursor) = await SendWithCursorAsync(HttpMethod.Get, page, null, cancellationToken);
            items.AddRange(JsonSerializer.Deserialize<List<T>>(body, Json) ?? []);
        }
        while (cursor is not null && items.Count < atMost);

        return items.Count > atMost ? items[..atMost] : items;
    }

    public async Task<T> PostAsync<T>(string path, object? body, CancellationToken cancellationToken)
    {
        var text = await SendAsync(HttpMethod.Post, path, body is null ? null : JsonContent.Create(body, options: Json), cancellationToken);
        return JsonSerializer.Deserialize<T>(text, Json) ?? throw new ServiceUnreachableException($"the {Address.Service} at {Address.BaseAddress} answered POST {path} with an empty body");
    }

    public async Task<T> DeleteAsync<T>(string path, CancellationToken cancellationToken)
    {
        var text = await SendAsync(HttpMethod.Delete, path, null, cancellationToken);
        return JsonSerializer.Deserialize<T>(text, Json) ?? throw new ServiceUnreachableException($"the {Address.Service} at {Address.BaseAddress} answered DELETE {path} with an empty body");
    }

    public void Dispose() => _http.Dispose();

    private async Task<string> SendAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken) =>
        (await SendWithCursorAsync(method, path, content, cancellationToken)).Body;

    private async Task<(string Body, string? NextCursor)> SendWithCursorAsync(HttpMethod method, string path, HttpContent? content, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(path.TrimStart('/'), UriKind.Relative)) { Content = content };
            using var response = await _http.SendAsync(request, timeout.Token);
            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            var next = response.Headers.TryGetValues("X-Next-Cursor", out var values) ? values.FirstOrDefault() : null;
            return response.IsSuccessStatusCode ? (body, next) : throw ServiceProblemException.From(Address, response.StatusCode, body);
        }
        catch (HttpRequestException exception)
        {
            throw Unreachable(Reason(exception));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unreachable($"no answer within {Timeout.TotalSeconds:0} s");
        }
        catch (JsonException exception)
        {
            throw new ServiceUnreachableException($"the {Address.Service} at {Address.BaseAddress} answered {method} {path} with something that is not the expected JSON ({exception.Message}); is {Address.BaseAddress} really the {Address.Service}?");
        }
    }

    private ServiceUnreachableException Unreachable(string reason) => new(
        $"cannot reach the {Address.Service} at {Address.BaseAddress} ({reason}). Start ClayBus with scripts/run.sh, or point {Address.Option} or ${Address.Variable} at a running {Address.Service}.");

    private static string Reason(HttpRequestException exception) =>
        exception.InnerException is SocketException socket ? socket.SocketErrorCode switch
        {
            SocketError.ConnectionRefused => "connection refused",
            SocketError.HostNotFound or SocketError.NoData => "unknown host",
            SocketError.TimedOut => "connection timed out",
            _ => socket.Message,
        }
        : exception.HttpRequestError switch
        {
            HttpRequestError.NameResolutionError => "unknown host",
            HttpRequestError.SecureConnectionError => "TLS handshake failed",
            HttpRequestError.ResponseEnded => "the connection closed before an answer",
            _ => exception.Message,
        };
}

