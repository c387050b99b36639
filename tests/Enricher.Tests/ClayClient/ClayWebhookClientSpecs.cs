using System.Collections.Concurrent;
using System.Net;
using ClayBus.Enricher.ClayClient;
using ClayBus.Enricher.RateLimiting;
using ClayBus.Enricher.Tests.Fixtures;
using ClayBus.Enricher.Webhooks;
using ClayBus.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace ClayBus.Enricher.Tests.ClayClient;

[Trait("Category", "Integration")]
public sealed class ClayWebhookClientSpecs(InfrastructureFixture infrastructure) : IClassFixture<InfrastructureFixture>
{
    private const string Url = "https://api.clay.example/v3/sources/webhook/pull-in-data-from-a-webhook-dev-only-secret-4f2a91";
    private const string Token = "dev-only-webhook-token-7c1d";
    private static readonly byte[] Body = """[{"email":"ada@example.com","claybus_row_id":"r1"}]"""u8.ToArray();

    [Fact]
    public async Task Should_never_retry_a_5xx_because_Clay_may_have_stored_it_and_send_the_token_header()
    {
        var handler = new ScriptedHandler(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);
        var (client, _) = await CreateAsync(handler);

        var unavailable = await Assert.ThrowsAsync<ClayUnavailableException>(() => client.SendAsync(Webhook(), Body, 1, null, CancellationToken.None));

        Assert.Single(handler.Requests);
        Assert.True(unavailable.Ambiguous);
        Assert.False(unavailable.NothingSent);
        Assert.All(handler.Requests, request => Assert.Equal(Token, request.Token));
        Assert.All(handler.Requests, request => Assert.Equal(Body, request.Body));
    }

    [Fact]
    public async Task Should_retry_a_refused_connection_because_nothing_reached_Clay()
    {
        var handler = new ScriptedHandler(HttpStatusCode.OK) { Refusals = 2 };
        var (client, _) = await CreateAsync(handler);

        await client.SendAsync(Webhook(), Body, 1, null, CancellationToken.None);

        Assert.Equal(3, handler.Attempts);
        Assert.Single(handler.Requests);
    }

    [Fact]
    public async Task Should_never_retry_another_4xx_and_never_show_the_secrets()
    {
        var handler = new ScriptedHandler(HttpStatusCode.UnprocessableEntity);
        var (client, _) = await CreateAsync(handler);

        var rejected = await Assert.ThrowsAsync<ClayRejectedException>(() => client.SendAsync(Webhook(), Body, 1, null, CancellationToken.None));

        Assert.Single(handler.Requests);
        Assert.Equal(422, rejected.Status);
        Assert.Contains("…4f2a91", rejected.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("dev-only-secret", rejected.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Token, rejected.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_wait_out_a_429_through_the_shared_limiter_and_slow_it_down()
    {
        var handler = new ScriptedHandler(HttpStatusCode.TooManyRequests, HttpStatusCode.OK) { RetryAfterSeconds = 1 };
        var (client, limiter) = await CreateAsync(handler);

        await client.SendAsync(Webhook(), Body, 1, null, CancellationToken.None);

        Assert.Equal(2, handler.Requests.Count);
        Assert.True(handler.Requests[1].At - handler.Requests[0].At >= TimeSpan.FromMilliseconds(950), "the retry came before Retry-After");
        Assert.True(limiter.CurrentRecordsPerSecond < 1000, $"the shared rate stayed at {limiter.CurrentRecordsPerSecond}");
    }

    [Fact]
    public async Task Should_send_nothing_when_the_row_leases_cannot_be_renewed()
    {
        var handler = new ScriptedHandler(HttpStatusCode.OK);
        var (client, _) = await CreateAsync(handler);

        // Redis away: rows that reached Clay could not be marked sent and would go again after the outage.
        await Assert.ThrowsAnyAsync<Exception>(() => client.SendAsync(
            Webhook(),
            Body,
            1,
            new RowLeaseRenewal(() => throw new TimeoutException("dev-only: Redis did not answer"), TimeSpan.FromSeconds(60)),
            CancellationToken.None));

        Assert.Empty(handler.Requests);
    }

    [Fact]
    public async Task Should_renew_the_leases_before_the_slot_and_again_after_a_slot_wait_longer_than_half_the_lease()
    {
        var handler = new ScriptedHandler(HttpStatusCode.OK) { RepeatLast = true };
        var (client, _) = await CreateAsync(handler, recordsPerSecond: 100);
        var renewals = new ConcurrentQueue<(int Send, DateTimeOffset At)>();
        RowLeaseRenewal Renewal(int send) => new(() => { renewals.Enqueue((send, DateTimeOffset.UtcNow)); return Task.CompletedTask; }, TimeSpan.FromMilliseconds(200));

        // 100 records/s with a 100-record burst leaves the client 75 records at once: the second send waits ~750 ms.
        await client.SendAsync(Webhook(), Body, 75, Renewal(1), CancellationToken.None);
        await client.SendAsync(Webhook(), Body, 75, Renewal(2), CancellationToken.None);

        Assert.Single(renewals, renewal => renewal.Send == 1);
        var second = renewals.Where(renewal => renewal.Send == 2).Select(renewal => renewal.At).ToList();
        Assert.Equal(2, second.Count);
        Assert.True(second[1] - second[0] >= TimeSpan.FromMilliseconds(100), "the slot wait was shorter than expected");
        Assert.True(second[1] <= handler.Requests[1].At, "the lease was renewed after the request went out");
    }

    [Fact]
    public async Task Should_call_Clay_unavailable_after_a_server_error_without_showing_the_url()
    {
        var handler = new ScriptedHandler(HttpStatusCode.InternalServerError) { RepeatLast = true };
        var (client, _) = await CreateAsync(handler);

        var unavailable = await Assert.ThrowsAsync<ClayUnavailableException>(() => client.SendAsync(Webhook(), Body, 1, null, CancellationToken.None));

        Assert.Single(handler.Requests);
        Assert.DoesNotContain("dev-only-secret", unavailable.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_say_nothing_was_sent_only_when_the_breaker_stopped_every_attempt()
    {
        var handler = new ScriptedHandler(HttpStatusCode.InternalServerError) { RepeatLast = true };
        var (client, _) = await CreateAsync(handler);

        // Four failed sends (one attempt each: a 5xx is never retried) open the breaker; the fifth is stopped.
        var tried = new List<ClayUnavailableException>();
        for (var i = 0; i < 4; i++)
        {
            tried.Add(await Assert.ThrowsAsync<ClayUnavailableException>(() => client.SendAsync(Webhook(), Body, 1, null, CancellationToken.None)));
        }

        var requests = handler.Requests.Count;
        var stopped = await Assert.ThrowsAsync<ClayUnavailableException>(() => client.SendAsync(Webhook(), Body, 1, null, CancellationToken.None));

        Assert.All(tried, t => Assert.True(t.Ambiguous && !t.NothingSent));
        Assert.True(stopped.NothingSent);
        Assert.False(stopped.Ambiguous);
        Assert.Equal(requests, handler.Requests.Count);
    }

    private async Task<(ClayWebhookClient Client, SharedRateLimiter Limiter)> CreateAsync(ScriptedHandler handler, double recordsPerSecond = 1000)
    {
        var limiter = new SharedRateLimiter(
            await Keyspaces.ConnectAsync(infrastructure),
            new TestOptionsMonitor<RateLimitOptions>(new RateLimitOptions { Workspace = $"client-{Guid.NewGuid():N}", RecordsPerSecond = recordsPerSecond, Burst = 100 }),
            TimeProvider.System,
            Metrics.Create());
        var options = new TestOptionsMonitor<ClayOptions>(new ClayOptions { TransientRetries = 2, RetryBaseDelayMilliseconds = 20, AttemptTimeoutSeconds = 5 });
        var pipelines = new ClayPipelines(limiter, options, NullLogger<ClayPipelines>.Instance);
        return (new ClayWebhookClient(new HttpClient(handler), pipelines, Metrics.Create()), limiter);
    }

    private static WebhookTarget Webhook() => new("inbound-leads", new Uri(Url), Token);

    private sealed class ScriptedHandler(params HttpStatusCode[] answers) : HttpMessageHandler
    {
        private int _next;
        private int _attempts;

        public ConcurrentQueue<(DateTimeOffset At, string? Token, byte[] Body)> Log { get; } = new();

        public List<(DateTimeOffset At, string? Token, byte[] Body)> Requests => [.. Log];

        public int RetryAfterSeconds { get; init; }

        public bool RepeatLast { get; init; }

        /// <summary>The first attempts fail as a refused connection would: nothing reaches the server.</summary>
        public int Refusals { get; init; }

        public int Attempts => Volatile.Read(ref _attempts);

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _attempts) <= Refusals)
            {
                throw new HttpRequestException(HttpRequestError.ConnectionError, "refused", new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused));
            }

            var token = request.Headers.TryGetValues(ClayWebhookClient.TokenHeader, out var values) ? values.Single() : null;
            Log.Enqueue((DateTimeOffset.UtcNow, token, await request.Content!.ReadAsByteArrayAsync(cancellationToken)));
            var index = Interlocked.Increment(ref _next) - 1;
            var status = answers[Math.Min(index, answers.Length - 1)];
            if (!RepeatLast && index >= answers.Length)
            {
                throw new InvalidOperationException("more requests than scripted");
            }

            var response = new HttpResponseMessage(status) { Content = new StringContent(status == HttpStatusCode.OK ? "" : $"{{\"error\":\"{(int)status}\"}}") };
            if (status == HttpStatusCode.TooManyRequests)
            {
                response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(RetryAfterSeconds));
            }

            return response;
        }
    }
}
