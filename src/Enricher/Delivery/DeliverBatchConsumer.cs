using ClayBus.Contracts.Delivery;
using ClayBus.Enricher.ClayClient;
using ClayBus.Enricher.Pausing;
using ClayBus.Enricher.Webhooks;
using MassTransit;
using Microsoft.Extensions.Options;

namespace ClayBus.Enricher.Delivery;

/// <summary>
/// Delivers one <see cref="DeliverBatch"/> to its table's webhook. A batch that must wait (budget spent, Redis gone,
/// Clay down, its webhook failing, the table's webhooks spent) goes back to the queue with its priority, and for the
/// first three this instance pauses; a poison batch (Clay's 4xx, an invalid batch) goes straight to
/// <c>deliver-batch_error</c>.
/// </summary>
public sealed class DeliverBatchConsumer(
    BatchSender sender,
    WebhookPool webhooks,
    CancelledJobs cancelled,
    DeliveryPause pause,
    ClayHealth clay,
    TimeProvider time,
    IOptionsMonitor<DeliveryOptions> delivery,
    IOptionsMonitor<WebhookPoolOptions> pool,
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
                time.GetUtcNow()));
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
        catch (Exception exception) when (exception is StackExchange.Redis.RedisConnectionException or StackExchange.Redis.RedisTimeoutException)
        {
            // Fail closed: without the ledger nothing may be spent.
            await PauseAsync(context, new PauseState(PauseReason.LedgerUnavailable, "Redis cannot be reached: " + exception.GetType().Name, time.GetUtcNow(), null, 0));
            await DeferAsync(context, countsAsClayOutage: false);
        }
        catch (BatchMustWaitException mustWait)
        {
            // Minimal parking until branch `tables` parks these without holding a slot: wait (at most the webhook
            // recheck), then back to the queue uncounted. Clay looking down still pauses the instance.
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
        catch (WebhookPoolSpentException spent)
        {
            logger.WaitsForWebhook(batch.BatchId, spent.Message);
            // Only this table waits: the instance keeps delivering other tables' batches.
            await Task.Delay(TimeSpan.FromSeconds(pool.CurrentValue.ExhaustedRecheckSeconds), time, context.CancellationToken);
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
    /// Published before the acknowledgement, so a crash in between leaves two copies, which row claims make harmless.
    /// </summary>
    private async Task DeferAsync(ConsumeContext<DeliverBatch> context, bool countsAsClayOutage)
    {
        var deferrals = ClayDeferrals(context) + (countsAsClayOutage ? 1 : 0);
        await context.Publish(context.Message, publish =>
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
