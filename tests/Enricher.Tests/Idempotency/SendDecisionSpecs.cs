using System.Net;
using System.Net.Sockets;
using ClayBus.Enricher.ClayClient;
using ClayBus.Enricher.Idempotency;
using Polly.CircuitBreaker;
using Polly.Timeout;

namespace ClayBus.Enricher.Tests.Idempotency;

/// <summary>Which failures leave Clay holding nothing, and when a row of an ambiguous send may go again: no I/O.</summary>
public sealed class SendDecisionSpecs
{
    private const long Now = 1_000_000;

    public static TheoryData<HttpStatusCode?, Exception?, AttemptOutcome> Attempts => new()
    {
        { HttpStatusCode.OK, null, AttemptOutcome.Stored },
        { HttpStatusCode.TooManyRequests, null, AttemptOutcome.NothingStored },
        { HttpStatusCode.Unauthorized, null, AttemptOutcome.NothingStored },
        { HttpStatusCode.RequestEntityTooLarge, null, AttemptOutcome.NothingStored },
        { HttpStatusCode.InternalServerError, null, AttemptOutcome.Ambiguous },
        { HttpStatusCode.BadGateway, null, AttemptOutcome.Ambiguous },
        { null, new TimeoutRejectedException(), AttemptOutcome.Ambiguous },
        { null, new TaskCanceledException(), AttemptOutcome.Ambiguous },
        { null, new HttpRequestException(HttpRequestError.ResponseEnded, "reset"), AttemptOutcome.Ambiguous },
        { null, new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused)), AttemptOutcome.NothingStored },
        { null, new HttpRequestException(HttpRequestError.ConnectionError, "reset", new SocketException((int)SocketError.ConnectionReset)), AttemptOutcome.Ambiguous },
        { null, new HttpRequestException(HttpRequestError.NameResolutionError, "dns"), AttemptOutcome.NothingStored },
        { null, new BrokenCircuitException(), AttemptOutcome.NothingStored },
        { null, new InvalidOperationException(), AttemptOutcome.Ambiguous },
    };

    [Theory]
    [MemberData(nameof(Attempts))]
    public void Should_classify_each_attempt_by_what_Clay_can_hold(HttpStatusCode? status, Exception? failure, AttemptOutcome expected) =>
        Assert.Equal(expected, SendAttemptClassifier.Classify(status, failure));

    [Theory]
    [InlineData(null, ClaimCode.Claimed, 0)]
    [InlineData("sent", ClaimCode.Sent, 0)]
    [InlineData("sending|other|1000500", ClaimCode.Busy, 500)]
    [InlineData("sending|other|999000", ClaimCode.Claimed, 0)]
    [InlineData("sending|me|1000500", ClaimCode.Claimed, 0)]
    [InlineData("unknown|other|1002000", ClaimCode.Waiting, 2000)]
    [InlineData("unknown|me|1002000", ClaimCode.Waiting, 2000)]
    [InlineData("unknown|other|999999", ClaimCode.Claimed, 0)]
    [InlineData("unknown|proved|1002000", ClaimCode.Sent, 0)]
    [InlineData("unknown|proved|999999", ClaimCode.Sent, 0)]
    [InlineData("sending|proved|999000", ClaimCode.Sent, 0)]
    [InlineData("garbage", ClaimCode.Claimed, 0)]
    public void Should_resend_an_ambiguous_row_only_past_its_deadline_with_no_callback(string? state, ClaimCode code, long wait) =>
        Assert.Equal((code, wait), ResendDecision.Decide(state, "me", Now, owner => owner == "proved"));
}
