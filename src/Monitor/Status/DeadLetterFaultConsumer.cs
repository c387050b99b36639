using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;

namespace ClayBus.Monitor.Status;

/// <summary>
/// Indexes dead letters as they happen, from the <c>Fault&lt;T&gt;</c> MassTransit publishes once a message has
/// exhausted its retries and gone to <c>&lt;queue&gt;_error</c>: the batches the Enrichers could not deliver and the
/// raw <c>SubmitJob</c> messages the Submitter refused. The status view reads this index, never the queues.
/// </summary>
public sealed class DeadLetterFaultConsumer(DeadLetterIndexStore index) : IConsumer<Fault<DeliverBatch>>, IConsumer<Fault<SubmitJob>>
{
    public Task Consume(ConsumeContext<Fault<DeliverBatch>> context) =>
        RecordAsync(context, "deliver-batch", context.Message.Message.TableKey, context.Message.Message.JobId.ToString());

    public Task Consume(ConsumeContext<Fault<SubmitJob>> context) =>
        RecordAsync(context, "submit-job", context.Message.Message.Table, null);

    /// <param name="defaultQueue">Where the message type is consumed when the fault does not say (no source address).</param>
    private Task<bool> RecordAsync<T>(ConsumeContext<Fault<T>> context, string defaultQueue, string? table, string? job)
    {
        var fault = context.Message;
        var exception = fault.Exceptions.FirstOrDefault();
        var queue = QueueOf(context.SourceAddress) ?? defaultQueue;
        return index.RecordAsync(new DeadLetterFault(
            context.MessageId ?? fault.FaultId,
            queue + DeadLetterGrouping.ErrorSuffix,
            exception?.ExceptionType ?? "unknown",
            FaultCause.Of(exception?.Message),
            fault.Timestamp,
            table,
            job,
            fault.FaultedMessageId?.ToString()));
    }

    // The fault is published from the failing endpoint, so its source address is that endpoint's queue; a bus
    // endpoint's generated name (with underscores) is no consumer's queue.
    private static string? QueueOf(Uri? address) =>
        address?.AbsolutePath.Split('/', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() is { Length: > 0 } name && !name.Contains('_', StringComparison.Ordinal)
            ? name
            : null;
}

public sealed class DeadLetterFaultConsumerDefinition : ConsumerDefinition<DeadLetterFaultConsumer>
{
    public DeadLetterFaultConsumerDefinition() => EndpointName = StatusSetup.DeadLetterEndpointName;

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator, IConsumerConfigurator<DeadLetterFaultConsumer> consumerConfigurator, IRegistrationContext context) =>
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.IgnoreRedisOutages();
            retry.Intervals(100, 500, 1000, 2000);
        });
}
