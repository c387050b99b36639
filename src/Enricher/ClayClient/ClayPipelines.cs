using System.Diagnostics;
using System.Net;
using ClayBus.Contracts.Submission;
using ClayBus.Enricher.RateLimiting;
using Microsoft.Extensions.Options;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Registry;
using Polly.Retry;
using Polly.Timeout;

namespace ClayBus.Enricher.ClayClient;

/// <summary>
/// One resilience pipeline per webhook (so each has its own circuit breaker), outermost first: wait out 429s through
/// the shared limiter; retry only failures where nothing reached Clay (a refused connection) with exponential backoff
/// and jitter, never an ambiguous one (a 5xx or timeout may have been stored: see <see cref="SendAttemptClassifier"/>); the breaker;
/// the shared rate limiter (one permit per record, per attempt: every attempt spends Clay's tokens); the per-attempt
/// timeout. Other 4xx pass through untouched: they are never retried.
/// </summary>
public sealed class ClayPipelines(SharedRateLimiter limiter, IOptionsMonitor<ClayOptions> options, ILogger<ClayPipelines> logger) : IAsyncDisposable
{
    public static readonly ResiliencePropertyKey<int> Records = new("claybus.records");
    public static readonly ResiliencePropertyKey<string> Webhook = new("claybus.webhook");
    public static readonly ResiliencePropertyKey<RowLeaseRenewal> Renewal = new("claybus.renewal");
    public static readonly ResiliencePropertyKey<JobPriority?> Priority = new("claybus.priority");

    private readonly ResiliencePipelineRegistry<string> _registry = new();

    public ResiliencePipeline<HttpResponseMessage> For(string webhookId) =>
        _registry.GetOrAddPipeline<HttpResponseMessage>(webhookId, Build);

    public ValueTask DisposeAsync() => _registry.DisposeAsync();

    public static bool IsTransient(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is HttpRequestException or TimeoutRejectedException
        || (outcome.Result is { } response && (int)response.StatusCode >= 500);

    public static TimeSpan RetryAfter(HttpResponseMessage response, TimeSpan fallback)
    {
        var header = response.Headers.RetryAfter;
        var wait = header?.Delta ?? (header?.Date is { } date ? date - DateTimeOffset.UtcNow : fallback);
        return wait < TimeSpan.Zero ? TimeSpan.Zero : wait > TimeSpan.FromMinutes(10) ? TimeSpan.FromMinutes(10) : wait;
    }

    private void Build(ResiliencePipelineBuilder<HttpResponseMessage> builder)
    {
        var o = options.CurrentValue;
        builder
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests),
                MaxRetryAttempts = Math.Max(1, o.RateLimitedRetries),
                // The shared limiter does the waiting, for every process at once.
                Delay = TimeSpan.Zero,
                BackoffType = DelayBackoffType.Constant,
                OnRetry = async args =>
                {
                    var wait = RetryAfter(args.Outcome.Result!, TimeSpan.FromSeconds(o.DefaultRetryAfterSeconds));
                    logger.LogWarning(
                        "Clay answered 429 on webhook {Webhook}: every instance waits {RetryAfterMs} ms and slows down",
                        args.Context.Properties.GetValue(Webhook, "?"),
                        wait.TotalMilliseconds);
                    await limiter.BackOffAsync(wait);
                },
            })
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } failure && SendAttemptClassifier.Classify(null, failure) == AttemptOutcome.NothingStored),
                MaxRetryAttempts = Math.Max(1, o.TransientRetries),
                Delay = TimeSpan.FromMilliseconds(o.RetryBaseDelayMilliseconds),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                OnRetry = args =>
                {
                    logger.LogWarning(
                        "Clay webhook {Webhook} failed ({Failure}); retry {Attempt} in {DelayMs} ms",
                        args.Context.Properties.GetValue(Webhook, "?"),
                        Describe(args.Outcome),
                        args.AttemptNumber + 1,
                        args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = args => ValueTask.FromResult(IsTransient(args.Outcome)),
                FailureRatio = o.BreakerFailureRatio,
                MinimumThroughput = o.BreakerMinimumThroughput,
                SamplingDuration = TimeSpan.FromSeconds(o.BreakerSamplingSeconds),
                BreakDuration = TimeSpan.FromSeconds(o.BreakerBreakSeconds),
            })
            .AddRateLimiter(new RateLimiterStrategyOptions
            {
                RateLimiter = args => AcquireAfterRenewalAsync(args.Context),
            })
            .AddTimeout(TimeSpan.FromSeconds(o.AttemptTimeoutSeconds));
    }

    private async ValueTask<System.Threading.RateLimiting.RateLimitLease> AcquireAfterRenewalAsync(ResilienceContext context)
    {
        if (!context.Properties.TryGetValue(Renewal, out var renewal))
        {
            return await limiter.AcquireForAsync(context.Properties.GetValue(Records, 1), context.Properties.GetValue(Priority, null), context.CancellationToken);
        }

        await renewal.RenewAsync();
        var renewedAt = Stopwatch.GetTimestamp();
        var slot = await limiter.AcquireForAsync(context.Properties.GetValue(Records, 1), context.Properties.GetValue(Priority, null), context.CancellationToken);
        if (Stopwatch.GetElapsedTime(renewedAt) > renewal.Lease / 2)
        {
            await renewal.RenewAsync();
        }

        return slot;
    }

    public static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Exception is { } exception ? exception.GetType().Name : $"HTTP {(int)outcome.Result!.StatusCode}";
}
