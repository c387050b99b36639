using System.Net;

namespace ClayBus.Enricher.Tests.Fixtures;

/// <summary>
/// One webhook that answers 500 while <see cref="Failing"/> is set, put in front of the Enricher's Clay client; every
/// other request (and that webhook's, once it recovers) goes through to ClaySim.
/// </summary>
public sealed class FailingWebhook(string url)
{
    private readonly Uri _url = new(url);
    private int _rejected;
    private volatile bool _failing = true;

    public bool Failing
    {
        get => _failing;
        set => _failing = value;
    }

    public int Rejected => Volatile.Read(ref _rejected);

    /// <summary>A new handler for each handler chain the client factory builds (a handler cannot be in two chains).</summary>
    public DelegatingHandler CreateHandler() => new Handler(this);

    private sealed class Handler(FailingWebhook webhook) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (webhook.Failing && request.RequestUri == webhook._url)
            {
                Interlocked.Increment(ref webhook._rejected);
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.InternalServerError) { RequestMessage = request });
            }

            return base.SendAsync(request, cancellationToken);
        }
    }
}
