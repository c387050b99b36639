using ClayBus.Contracts.Delivery;
using ClayBus.Monitor.Callbacks;
using ClayBus.Monitor.Metrics;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Lineage;

/// <summary>
/// Records where each delivered row went, then settles callbacks that raced ahead of their delivery: a fast Clay
/// can call back before this event is consumed, and such callbacks wait parked (counted nowhere) until now.
/// </summary>
public sealed partial class RowLineageConsumer(
    RowLineageStore lineage,
    CallbackStore ledger,
    MonitorMetrics metrics,
    ILogger<RowLineageConsumer> logger) : IConsumer<BatchDelivered>, IConsumer<RowsSentUnconfirmed>
{
    public Task Consume(ConsumeContext<BatchDelivered> context) => RecordAsync(context, context.Message);

    // Rows of an ambiguous send: recorded as sent now, so their callbacks settle (and prove the send) without waiting
    // for the batch's BatchDelivered, which comes only after the send is proved or its deadline passed.
    public Task Consume(ConsumeContext<RowsSentUnconfirmed> context)
    {
        var m = context.Message;
        return RecordAsync(context, new BatchDelivered(m.JobId, m.BatchId, m.TableKey, m.RowIds, [], m.Webhook, 0, null, 0, m.At, m.Source, m.FileName, m.RowNumbers));
    }

    private async Task RecordAsync(ConsumeContext context, BatchDelivered delivered)
    {
        await lineage.Delivered(delivered);
        foreach (var rowId in delivered.SentRowIds.Concat(delivered.SkippedRowIds))
        {
            if (await ledger.PeekParked(rowId) is not { } parked)
            {
                continue;
            }

            // Recording is idempotent, so a redelivery after a crash at any step below settles the callback once.
            // It is judged like a callback on time: a parked forgery (other job, other table) settles nothing.
            var callback = parked.Callback;
            var jobId = callback.JobId ?? delivered.JobId;
            var recording = await ledger.Record(callback, jobId, parked.TableKey, parked.ReceivedAt);
            if (recording.Record is CallbackRecord.New or CallbackRecord.DuplicateUnpublished)
            {
                await context.Publish(RowOutcomes.ToEvent(recording.Settled ?? callback, jobId, parked.TableKey, parked.ReceivedAt));
                await ledger.MarkPublished(callback, jobId);
                CallbackEndpoints.Count(metrics, callback);
                LogSettled(rowId, jobId);
            }
            else if (CallbackRefusals.Verdict(recording.Record) is { } refused)
            {
                CallbackRefusals.Report(logger, metrics, refused, callback, parked.TableKey);
            }

            await ledger.ForgetParked(rowId);
        }
    }

    [LoggerMessage(LogLevel.Debug, "Parked callback for row {RowId} of job {JobId} settled now that its delivery is known")]
    private partial void LogSettled(string rowId, Guid jobId);
}

/// <summary>Lineage has its own queue, apart from the job saga's and any other view of the same events.</summary>
public sealed class RowLineageConsumerDefinition : ConsumerDefinition<RowLineageConsumer>
{
    public RowLineageConsumerDefinition() => EndpointName = "row-lineage";

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<RowLineageConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000, 2000);
        });
}
