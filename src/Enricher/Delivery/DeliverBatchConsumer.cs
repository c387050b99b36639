using ClayBus.Contracts.Delivery;
using ClayBus.Enricher.ClayClient;
using ClayBus.Enricher.Parking;
using ClayBus.Enricher.Pausing;
using ClayBus.Enricher.Webhooks;
using ClayBus.ServiceDefaults.Redis;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Enricher.Delivery;

/// <summary>
/// Delivers one <see cref="DeliverBatch"/> to its table's webhook. First the table's gate (one Redis read, before any
/// claim or reservation): a table that is full, has its webhooks spent or its settings invalid parks the batch in the
/// scheduler, as does a <see cref="BatchMustWaitException"/>. A batch that must wait for the instance (budget spent,
/// Redis gone, Clay down) goes back to the queue with its priority and the instance pauses; one whose webhook fails
/// waits and goes back. A poison batch (Clay's 4xx, an invalid batch) goes straight to <c>deliver-batch_error</c>.
/// </summary>
public sealed class DeliverBatchConsumer(
    BatchSender sender,
    WebhookPool webhooks,
    CancelledJobs cancelled,
    DeliveryPause pause,
    ClayHealth clay,
    TimeProvider time,
    IOptionsMonitor<DeliveryOptions> delivery,
    BatchParking parking,
    ParkedTables parked,
    DeliveryMetrics metrics,
    ILogger<DeliverBatchConsumer> logger) : IConsumer<DeliverBatch>
{
    public const string ClayDeferralsHeader = "ClayBus-Clay-Deferrals";

    public async Task Consume(ConsumeContext<DeliverBatch> context)
    {
        var batch = context.Message;
        Validate(batch);
        var notices = new List<object>();
        try
        {
            if (await cancelled.IsCancelledAsync(batch.JobId))
            {
                logger.SkippedCancelled(batch.BatchId, batch.JobId, batch.Rows.Count);
                return;
            }

            if (await TableMustWaitAsync(batch.TableKey, notices) is { } wait)
            {
                await ParkAsync(context, wait, null);
                return;
            }

            var outcome = await sender.SendAsync(batch, notices, context.CancellationToken);
            metrics.RowsSkipped(outcome.Skipped.Count, batch.TableKey);
            var webhook = outcome.LastWebhook;
            notices.Add(new BatchDelivered(
                batch.JobId,
                batch.BatchId,
                batch.TableKey,
                outcome.Sent,
                outcome.Skipped,
                webhook?.Webhook.Masked ?? "(none)",
                webhook?.RecordsUsed ?? 0,
                webhook?.Cap,
                outcome.CreditsReserved,
                time.GetUtcNow(),
                batch.Source,
                batch.FileName,
                BatchOrigin.RowNumbers(batch, outcome.Sent.Concat(outcome.Skipped))));
            logger.Delivered(batch.BatchId, batch.JobId, batch.TableKey, outcome.Sent.Count, outcome.Skipped.Count);
        }
        catch (DeliveryDeferredException deferred)
        {
            await PauseAsync(context, new PauseState(deferred.Reason, deferred.Message, time.GetUtcNow(), null, deferred.NeededCredits, deferred.NeededActions));
            await DeferAsync(context, countsAsClayOutage: false);
        }
        catch (ClayUnavailableException unavailable) when (!clay.LooksDown())
        {
            // Only this webhook fails: its batch waits and goes back uncounted, the instance keeps delivering the rest.
            logger.WaitsForWebhook(batch.BatchId, unavailable.Message);
            await Task.Delay(TimeSpan.FromSeconds(delivery.CurrentValue.WebhookRecheckSeconds), time, context.CancellationToken);
            await DeferAsync(context, countsAsClayOutage: false);
        }
        catch (ClayUnavailableException unavailable) when (ClayDeferrals(context) < delivery.CurrentValue.MaxClayDeferrals)
        {
            var probeAt = time.GetUtcNow().AddSeconds(delivery.CurrentValue.ClayCoolDownSeconds);
            await PauseAsync(context, new PauseState(PauseReason.ClayUnavailable, "Clay looks down: " + unavailable.Message, time.GetUtcNow(), probeAt, 0));
            await DeferAsync(context, countsAsClayOutage: true);
        }
        catch (Exception exception) when (RedisRefusal.IsOutage(exception))
        {
            // Fail closed: without the ledger nothing may be spent. Unreachable, failing over (READONLY) or full (OOM),
            // Redis comes back by itself: pause and go back uncounted rather than spend the retries.
            await PauseAsync(context, new PauseState(PauseReason.LedgerUnavailable, LedgerOutage.Detail(exception), time.GetUtcNow(), null, 0));
            await DeferAsync(context, countsAsClayOutage: false);
        }
        catch (WebhookPoolSpentException spent)
        {
            // The gate let it through, but another delivery took the last room meanwhile.
            var wait = await TableMustWaitAsync(batch.TableKey, notices) ?? new ParkedTable(batch.TableKey, nameof(TableWait.PoolSpent), spent.Message, time.GetUtcNow());
            await ParkAsync(context, wait, null);
        }
        catch (BatchMustWaitException mustWait)
        {
            // Rows sent with an unknown outcome, or a table held after a charge above its price list: the batch waits
            // (at most the webhook recheck) and goes back uncounted; its claims make the return cheap. When Clay as a
            // whole looks down, the instance also pauses. Parking in the scheduler is for tables that cannot take rows.
            logger.WaitsForWebhook(batch.BatchId, mustWait.Message);
            if (clay.LooksDown())
            {
                var probeAt = time.GetUtcNow().AddSeconds(delivery.CurrentValue.ClayCoolDownSeconds);
                await PauseAsync(context, new PauseState(PauseReason.ClayUnavailable, "Clay looks down: " + mustWait.Message, time.GetUtcNow(), probeAt, 0));
            }

            var wait = mustWait.Until - time.GetUtcNow();
            var most = TimeSpan.FromSeconds(delivery.CurrentValue.WebhookRecheckSeconds);
            await Task.Delay(wait < TimeSpan.Zero ? TimeSpan.Zero : wait > most ? most : wait, time, context.CancellationToken);
            await DeferAsync(context, countsAsClayOutage: false);
        }
        finally
        {
            foreach (var notice in notices)
            {
                await context.Publish(notice, notice.GetType());
            }
        }
    }

    /// <summary>The table's gate; publishes the table's warning, <c>TableFull</c> or <c>WebhookPoolExhausted</c> once.</summary>
    /// <returns>Null when the batch may go.</returns>
    private async Task<ParkedTable?> TableMustWaitAsync(string tableKey, List<object> notices)
    {
        if (await webhooks.CheckTableAsync(tableKey) is not { } check)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (check.Verdict.Warn && await webhooks.AnnounceOnceAsync(tableKey, "warned"))
        {
            notices.Add(new WebhookCapacityLow(tableKey, "(table)", check.State.Rows, check.Limits.MaxRows, now));
        }

        switch (check.Verdict.Wait)
        {
            case TableWait.None:
                if (parked.Release(tableKey))
                {
                    logger.TableFlows(tableKey);
                }

                return null;
            case TableWait.TableFull when await webhooks.AnnounceOnceAsync(tableKey, "full-announced"):
                notices.Add(new TableFull(tableKey, check.State.Rows, check.Limits.MaxRows, TableGate.Fix(tableKey), now));
                break;
            case TableWait.PoolSpent when await webhooks.AnnounceOnceAsync(tableKey, "exhausted"):
                notices.Add(new WebhookPoolExhausted(tableKey, check.Webhooks, now));
                break;
        }

        return new ParkedTable(tableKey, check.Verdict.Wait.ToString(), check.Verdict.Detail, now);
    }

    /// <summary>Parks the batch (no consumer slot held, nothing claimed or reserved); the table's reason is logged once.</summary>
    private async Task ParkAsync(ConsumeContext<DeliverBatch> context, ParkedTable wait, DateTimeOffset? until, bool quiet = false)
    {
        if (quiet)
        {
            logger.WaitsForWebhook(context.Message.BatchId, wait.Detail);
        }
        else if (parked.Park(wait))
        {
            logger.TableWaits(wait.TableKey, wait.Reason, wait.Detail);
        }

        var headers = new Dictionary<string, object> { [ClayDeferralsHeader] = ClayDeferrals(context) };
        await parking.ParkAsync(context, parking.Until(until), headers);
    }

    private void Validate(DeliverBatch batch)
    {
        if (batch.Rows is not { Count: > 0 })
        {
            throw new InvalidBatchException($"batch {batch.BatchId} has no rows");
        }

        if (batch.EstimatedCredits < 0)
        {
            throw new InvalidBatchException($"batch {batch.BatchId} has negative EstimatedCredits ({batch.EstimatedCredits})");
        }

        if (!webhooks.IsKnownTable(batch.TableKey))
        {
            throw new InvalidBatchException(
                $"table '{batch.TableKey}' of batch {batch.BatchId} is not configured: add Tables:{batch.TableKey}:Webhooks, then move the batch back from deliver-batch_error");
        }

        var duplicate = batch.Rows.GroupBy(row => row.RowId).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null || batch.Rows.Any(row => string.IsNullOrEmpty(row.RowId)))
        {
            throw new InvalidBatchException($"batch {batch.BatchId} has an empty or repeated row id ({duplicate?.Key ?? "empty"})");
        }
    }

    private async Task PauseAsync(ConsumeContext context, PauseState state)
    {
        if (pause.Pause(state))
        {
            logger.Pausing(state.Reason, state.Detail);
            await context.Publish(new DeliveryPaused(DeliveryPause.Instance, state.Reason, state.Detail, state.Since, state.ProbeAt));
        }
    }

    /// <summary>
    /// Puts the batch back in the queue with its priority and acknowledges this copy: neither a fault nor a retry.
    /// Sent before the acknowledgement, so a crash in between leaves two copies, which row claims make harmless.
    /// Sent to the deliver-batch exchange, not published: the Enricher's broker user may not publish DeliverBatch.
    /// </summary>
    private async Task DeferAsync(ConsumeContext<DeliverBatch> context, bool countsAsClayOutage)
    {
        var deferrals = ClayDeferrals(context) + (countsAsClayOutage ? 1 : 0);
        var queue = await context.GetSendEndpoint(DeliveryQueues.ReturnAddress);
        await queue.Send(context.Message, publish =>
        {
            publish.SetPriority((byte)Math.Clamp((int)context.Message.Priority, 0, 10));
            publish.Headers.Set(ClayDeferralsHeader, deferrals);
            if (context.MessageId is { } id)
            {
                publish.MessageId = id;
            }
        });
        logger.Deferred(context.Message.BatchId, context.Message.JobId);
    }

    private static int ClayDeferrals(ConsumeContext context) => context.Headers.Get<int>(ClayDeferralsHeader) ?? 0;
}
