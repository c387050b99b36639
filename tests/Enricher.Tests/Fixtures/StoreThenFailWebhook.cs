using System.Net;

namespace ClayBus.Enricher.Tests.Fixtures;

/// <summary>
/// One webhook whose next <see cref="Remaining"/> requests fail with a 500: after ClaySim stored them
/// (<see cref="Stores"/>, Clay's ambiguous case) or before (nothing at Clay, yet just as ambiguous to the client).
/// </summary>
public sealed class StoreThenFailWebhook(string url, int failures, bool stores)
{
    private readonly Uri _url = new(url);
    private int _remaining = failures;
    private int _failed;

    public bool Stores => stores;

    public int Remaining => Volatile.Read(ref _remaining);

    public int Failed => Volatile.Read(ref _failed);

    public List<DateTimeOffset> Requests { get; } = [];

    public DelegatingHandler CreateHandler() => new Handler(this);

    private sealed class Handler(StoreThenFailWebhook webhook) : DelegatingHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri != webhook._url)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            lock (webhook.Requests)
            {
                webhook.Requests.Add(DateTimeOffset.UtcNow);
            }

            if (Interlocked.Decrement(ref webhook._remaining) < 0)
            {
                return await base.SendAsync(request, cancellationToken);
            }

            if (webhook.Stores)
            {
                using var stored = await base.SendAsync(request, cancellationToken);
                stored.EnsureSuccessStatusCode();
            }

            Interlocked.Increment(ref webhook._failed);
            return new HttpResponseMessage(HttpStatusCode.InternalServerError) { RequestMessage = request };
        }
    }
}
