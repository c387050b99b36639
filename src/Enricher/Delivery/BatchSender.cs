using System.Diagnostics;
using ClayBus.Contracts.Credits;
using ClayBus.Contracts.Delivery;
using ClayBus.Enricher.ClayClient;
using ClayBus.Enricher.Credits;
using ClayBus.Enricher.Idempotency;
using ClayBus.Enricher.Pausing;
using ClayBus.Enricher.RateLimiting;
using ClayBus.Enricher.Webhooks;
using ClayBus.ServiceDefaults.Redis;
using MassTransit;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.Enricher.Delivery;

/// <summary>What one delivery of a batch did.</summary>
public sealed record BatchOutcome(List<string> Sent, List<string> Skipped, WebhookReservation? LastWebhook, decimal CreditsReserved);

/// <summary>
/// Sends one batch, request by request: unless its table is held, claim the rows (skip what an earlier delivery sent),
/// reserve their worst case in both meters, reserve room on a webhook, then send through the Clay client (rate
/// limiter, retries, breaker). Whatever fails before Clay took the records is given back, so a later delivery starts
/// clean; a send Clay may have stored keeps everything (claims as <c>unknown</c>, reservations, webhook count) and
/// the batch waits. Events to publish are collected in a list of notices: the consumer publishes them.
/// </summary>
public sealed class BatchSender(
    RowClaims claims,
    CreditStore ledger,
    TableHolds holds,
    IOptionsMonitor<TablesOptions> tables,
    WebhookPool webhooks,
    ClayWebhookClient clay,
    ClayHealth clayHealth,
    TimeProvider time,
    IOptionsMonitor<DeliveryOptions> delivery,
    IOptionsMonitor<RateLimitOptions> rate,
    DeliveryMetrics metrics,
    RedisKeyspace redis,
    ILogger<BatchSender> logger)
{
    private const int BusyRounds = 3;

    public async Task<BatchOutcome> SendAsync(DeliverBatch batch, List<object> notices, CancellationToken cancellationToken)
    {
        var sent = new List<string>();
        try
        {
            return await SendRowsAsync(batch, new BatchOutcome(sent, [], null, 0), notices, cancellationToken);
        }
        catch (Exception) when (sent.Count > 0)
        {
            // The batch stops part-way (budget, a held table, an ambiguous request) and BatchDelivered waits for its
            // end: the rows Clay already took are announced now, so their callbacks settle instead of staying parked.
            notices.Add(BatchOrigin.Unconfirmed(batch, [.. sent], "(batch)", time.GetUtcNow()));
            throw;
        }
    }

    private async Task<BatchOutcome> SendRowsAsync(DeliverBatch batch, BatchOutcome outcome, List<object> notices, CancellationToken cancellationToken)
    {
        var o = delivery.CurrentValue;
        var maxRecords = Math.Min(o.MaxRecordsPerRequest, rate.CurrentValue.EffectiveBurst);
        var chunks = RecordEncoder.Chunk(batch, maxRecords, o.MaxRequestBytes, Activity.Current);
        var price = await PriceOrWaitAsync(batch.TableKey);
        var waiting = 0;
        var waitingFor = TimeSpan.Zero;

        for (var round = 0; chunks.Count > 0; round++)
        {
            var busy = new List<EncodedRecord>();
            var busyFor = TimeSpan.Zero;
            foreach (var chunk in chunks)
            {
                // One owner per request: a callback proves the request its row went in, not its neighbours.
                var owner = NewId.NextGuid().ToString("N");
                var writes = redis.MarkWrites();
                var claim = await claims.ClaimAsync(batch.JobId, owner, [.. chunk.Select(r => r.RowId)], Lease(o), TimeSpan.FromDays(o.SentRowDays));
                outcome.Skipped.AddRange(claim.AlreadySent);
                busy.AddRange(chunk.Where(r => claim.Busy.Contains(r.RowId)));
                busyFor = claim.BusyFor > busyFor ? claim.BusyFor : busyFor;
                waiting += claim.Waiting?.Count ?? 0;
                waitingFor = claim.WaitingFor > waitingFor ? claim.WaitingFor : waitingFor;
                if (claim.Claimed.Count > 0)
                {
                    var records = chunk.Where(r => claim.Claimed.Contains(r.RowId)).ToList();
                    outcome = await SendChunkAsync(batch, owner, writes, records, price, outcome, notices, cancellationToken);
                }
            }

            if (busy.Count == 0)
            {
                break;
            }

            if (round == BusyRounds)
            {
                throw new InvalidOperationException($"{busy.Count} rows of batch {batch.BatchId} stayed claimed by another delivery");
            }

            // Another delivery holds these rows (a duplicate in flight, or a crashed one whose lease runs out).
            logger.RowsBusy(busy.Count, batch.BatchId, busyFor.TotalMilliseconds);
            await Task.Delay(busyFor + TimeSpan.FromMilliseconds(100), time, cancellationToken);
            chunks = [busy];
        }

        if (waiting > 0)
        {
            // Rows of an ambiguous send: sent again only when no callback came for any of them by the deadline.
            throw new BatchMustWaitException(
                batch.TableKey, time.GetUtcNow() + waitingFor, $"{waiting} rows of batch {batch.BatchId} went in a send Clay may have stored: waiting for a callback or the deadline");
        }

        return outcome;
    }

    /// <summary>The table's worst case per row; a held table (a charge above its price list) waits before claiming anything.</summary>
    private async Task<RowPrice> PriceOrWaitAsync(string tableKey)
    {
        var prices = tables.CurrentValue.Tables.GetValueOrDefault(tableKey)?.Prices;
        var until = time.GetUtcNow().AddSeconds(delivery.CurrentValue.WebhookRecheckSeconds);
        if (prices is null)
        {
            throw new BatchMustWaitException(tableKey, until, $"table {tableKey} has no price list: add Tables:{tableKey}:Prices:Providers");
        }

        if (await holds.WhyHeldAsync(tableKey, prices) is { } reason)
        {
            throw new BatchMustWaitException(tableKey, until, reason);
        }

        return PriceLists.WorstCase(prices);
    }

    private async Task<BatchOutcome> SendChunkAsync(
        DeliverBatch batch, string owner, RedisWriteMark writes, List<EncodedRecord> records, RowPrice price, BatchOutcome outcome, List<object> notices, CancellationToken cancellationToken)
    {
        var o = delivery.CurrentValue;
        var rowIds = records.Select(r => r.RowId).ToList();
        var credit = await WithRollback(() => ledger.ReserveAsync(batch.JobId, batch.TableKey, rowIds, price), () => claims.ReleaseAsync(batch.JobId, owner, rowIds));
        var now = time.GetUtcNow();
        if (credit.FirstAlert)
        {
            notices.Add(new BudgetThresholdReached(credit.Day, credit.Limit, credit.Used, (double)(credit.Used / Math.Max(credit.Limit, 0.001m)), now));
        }

        if (!credit.Reserved)
        {
            await claims.ReleaseAsync(batch.JobId, owner, rowIds);
            if (credit.FirstExhaustion)
            {
                notices.Add(new BudgetExhausted(credit.Day, credit.Limit, credit.Used, now));
            }

            throw new DeliveryDeferredException(
                PauseReason.BudgetExhausted,
                $"the budget ({credit.Refusal}; today {credit.Limit} credits, {credit.Used} used) cannot cover {rowIds.Count} rows at {price.DataCredits} credits and {price.Actions} Actions each",
                price.DataCredits * rowIds.Count)
            {
                NeededActions = (long)price.Actions * rowIds.Count,
            };
        }

        metrics.CreditsReserved(credit.Credits, credit.Actions);
        Task GiveBackCreditsAndRows() => Task.WhenAll(ledger.ReleaseAsync(credit.Day, batch.JobId, rowIds), claims.ReleaseAsync(batch.JobId, owner, rowIds));

        var answer = await WithRollback(() => webhooks.ReserveAsync(batch.TableKey, rowIds.Count), GiveBackCreditsAndRows);
        if (answer.Reservation is not { } reservation)
        {
            await GiveBackCreditsAndRows();
            if (answer.FirstExhaustion)
            {
                notices.Add(new WebhookPoolExhausted(batch.TableKey, answer.Webhooks, now));
            }

            throw new WebhookPoolSpentException(batch.TableKey, answer.Webhooks, answer.FirstExhaustion);
        }

        if (reservation.RotatedFrom is { } from)
        {
            notices.Add(new WebhookRotated(batch.TableKey, from.Masked, reservation.Webhook.Masked, reservation.RotatedFromRecordsUsed, now));
        }

        if (reservation.CrossedWarning && reservation.Cap is { } cap)
        {
            notices.Add(new WebhookCapacityLow(batch.TableKey, reservation.Webhook.Masked, reservation.RecordsUsed, cap, now));
        }

        if (!await WithRollback(() => redis.ReplicatedAsync(writes), () => Task.WhenAll(GiveBackCreditsAndRows(), webhooks.ReleaseAsync(reservation))))
        {
            // A failover now would take the claim and reservation with the old primary: wait (paused) rather than send.
            await Quietly(() => Task.WhenAll(GiveBackCreditsAndRows(), webhooks.ReleaseAsync(reservation)));
            throw new RedisConnectionException(ConnectionFailureType.UnableToConnect, CommandFlags.None, "no Redis replica acknowledged the row claims and reservations (Redis:ReplicasToAcknowledge)", null, CommandStatus.Unknown);
        }

        try
        {
            await clay.SendAsync(
                reservation.Webhook,
                RecordEncoder.Body(records),
                records.Count,
                new RowLeaseRenewal(() => claims.RenewAsync(batch.JobId, owner, rowIds, Lease(o)), Lease(o)),
                cancellationToken,
                batch.Priority);
        }
        catch (ClayRejectedException)
        {
            // Clay refused the request before storing anything: the webhook's count goes back too.
            clayHealth.Answered(reservation.Webhook.Id);
            await Quietly(() => Task.WhenAll(GiveBackCreditsAndRows(), webhooks.ReleaseAsync(reservation)));
            throw;
        }
        catch (ClayUnavailableException unavailable) when (unavailable.NothingSent)
        {
            // The breaker stopped every attempt: Clay has nothing, so the webhook's count goes back as well, or a batch
            // waiting for its webhook would eat the webhook's lifetime cap at every return.
            clayHealth.Failed(reservation.Webhook.Id);
            await Quietly(() => Task.WhenAll(GiveBackCreditsAndRows(), webhooks.ReleaseAsync(reservation)));
            throw;
        }
        catch (ClayUnavailableException unavailable) when (unavailable.Ambiguous)
        {
            // Clay may have stored it: retrying would be a duplicate. Claims (as unknown), credits and the webhook
            // count stay; a callback for any of the rows proves the request, the deadline without one disproves it.
            clayHealth.Failed(reservation.Webhook.Id);
            metrics.AmbiguousSend(batch.TableKey);
            var deadline = TimeSpan.FromSeconds(o.AmbiguousSendDeadlineSeconds);
            await claims.MarkUnknownAsync(batch.JobId, owner, rowIds, deadline);
            // The Monitor learns of the rows now, so their callbacks prove the request before the deadline.
            notices.Add(BatchOrigin.Unconfirmed(batch, rowIds, reservation.Webhook.Masked, time.GetUtcNow()));
            logger.AmbiguousSend(rowIds.Count, batch.BatchId, reservation.Webhook.Masked, deadline.TotalSeconds);
            throw new BatchMustWaitException(batch.TableKey, time.GetUtcNow() + deadline, $"{rowIds.Count} rows of batch {batch.BatchId}: {unavailable.Message}; outcome unknown");
        }
        catch (Exception exception)
        {
            if (exception is ClayUnavailableException)
            {
                clayHealth.Failed(reservation.Webhook.Id);
            }

            // Clay may have stored some of it (a timeout after the write): the webhook count stays, which errs safe.
            await Quietly(GiveBackCreditsAndRows);
            throw;
        }

        clayHealth.Answered(reservation.Webhook.Id);
        await claims.MarkSentAsync(batch.JobId, rowIds, TimeSpan.FromDays(o.SentRowDays));
        metrics.RowsDelivered(rowIds.Count, batch.TableKey);
        outcome.Sent.AddRange(rowIds);
        return outcome with { LastWebhook = reservation, CreditsReserved = outcome.CreditsReserved + credit.Credits };
    }

    private static TimeSpan Lease(DeliveryOptions o) => TimeSpan.FromSeconds(o.SendingLeaseSeconds);

    private static async Task<T> WithRollback<T>(Func<Task<T>> step, Func<Task> rollback)
    {
        try
        {
            return await step();
        }
        catch (Exception)
        {
            await Quietly(rollback);
            throw;
        }
    }

    // A rollback that fails (Redis gone) is not worse than a crash: leases and reservations expire on their own.
    private static async Task Quietly(Func<Task> rollback)
    {
        try
        {
            await rollback();
        }
        catch (Exception exception) when (exception is StackExchange.Redis.RedisException or TimeoutException)
        {
        }
    }
}
