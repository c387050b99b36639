using ClayBus.Enricher.Delivery;
using Microsoft.Extensions.Options;

namespace ClayBus.Enricher.Pausing;

/// <summary>
/// What this process has seen of Clay, per webhook: whether Clay as a whole looks down (pause the instance) or only
/// some webhooks fail (their batches wait, the rest go on). Clay looks down when, within
/// <see cref="DeliveryOptions.ClayDownWindowSeconds"/>, <see cref="DeliveryOptions.ClayDownFailures"/> sends failed in
/// a row with no answer from Clay in between, and every webhook tried in that window failed on its last try. Both are
/// needed: a run of failures alone is one broken webhook while other tables' webhooks answer; "every webhook tried is
/// failing" alone is true after the very first failure, before any other webhook had a chance.
/// </summary>
public sealed class ClayHealth(TimeProvider time, IOptionsMonitor<DeliveryOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (bool Answered, DateTimeOffset At)> _lastTry = [];
    private readonly Queue<DateTimeOffset> _failuresSinceAnswer = new();

    /// <summary>Clay took or refused a request on <paramref name="webhookId"/> (any 2xx or 4xx): Clay is up.</summary>
    public void Answered(string webhookId)
    {
        lock (_gate)
        {
            _lastTry[webhookId] = (true, time.GetUtcNow());
            _failuresSinceAnswer.Clear();
        }
    }

    /// <summary>A send on <paramref name="webhookId"/> failed after its retries, or its breaker was open.</summary>
    public void Failed(string webhookId)
    {
        lock (_gate)
        {
            var now = time.GetUtcNow();
            _lastTry[webhookId] = (false, now);
            _failuresSinceAnswer.Enqueue(now);
            Forget(now - Window);
        }
    }

    public bool LooksDown()
    {
        lock (_gate)
        {
            var since = time.GetUtcNow() - Window;
            Forget(since);
            return _failuresSinceAnswer.Count >= options.CurrentValue.ClayDownFailures
                && _lastTry.Values.All(last => !last.Answered);
        }
    }

    private TimeSpan Window => TimeSpan.FromSeconds(options.CurrentValue.ClayDownWindowSeconds);

    // Tries older than the window say nothing about Clay now; dropping them also bounds the memory.
    private void Forget(DateTimeOffset since)
    {
        while (_failuresSinceAnswer.TryPeek(out var at) && at < since)
        {
            _failuresSinceAnswer.Dequeue();
        }

        foreach (var (webhook, last) in _lastTry)
        {
            if (last.At < since)
            {
                _lastTry.Remove(webhook);
            }
        }
    }
}
