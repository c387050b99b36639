using MassTransit;
using MassTransit.Context;
using MassTransit.Scheduling;

namespace ClayBus.Monitor.Scheduling;

/// <summary>
/// Stores a message to send later. The envelope is built now, from the command's payload and headers (including
/// <c>MT-Scheduling-TokenId</c>, which a saga uses to ignore a timeout it no longer waits for), and sent later as is.
/// </summary>
public sealed partial class ScheduleMessageConsumer(ScheduledMessageStore store, ILogger<ScheduleMessageConsumer> logger) : IConsumer<ScheduleMessage>
{
    public async Task Consume(ConsumeContext<ScheduleMessage> context)
    {
        var command = context.Message;
        var envelope = new MessageSendContext<ScheduleMessage>(command, context.CancellationToken)
        {
            DestinationAddress = command.Destination,
            MessageId = context.MessageId ?? NewId.NextGuid(),
            CorrelationId = context.CorrelationId,
            ConversationId = context.ConversationId,
            InitiatorId = context.InitiatorId,
            RequestId = context.RequestId,
            SourceAddress = context.SourceAddress,
            ResponseAddress = context.ResponseAddress,
            FaultAddress = context.FaultAddress,
        };
        var headers = new Dictionary<string, string>();
        foreach (var (key, value) in context.Headers.GetAll())
        {
            if (value is not null)
            {
                envelope.Headers.Set(key, value);
                headers[key] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "";
            }
        }

        var body = context.SerializerContext.GetMessageSerializer(command.Payload, command.PayloadType).GetMessageBody(envelope);
        var record = new ScheduledMessageRecord(command.Destination, context.ReceiveContext.ContentType.ToString(), body.GetBytes(), envelope.MessageId, headers);
        var due = new DateTimeOffset(DateTime.SpecifyKind(command.ScheduledTime, DateTimeKind.Utc));
        await store.Add(command.CorrelationId, due, record);
        LogScheduled(logger, command.CorrelationId, command.Destination, due);
    }

    [LoggerMessage(LogLevel.Debug, "Scheduled {TokenId} for {Destination} at {DueAt}")]
    private static partial void LogScheduled(ILogger logger, Guid tokenId, Uri destination, DateTimeOffset dueAt);
}

public sealed class ScheduleMessageConsumerDefinition : ConsumerDefinition<ScheduleMessageConsumer>
{
    public ScheduleMessageConsumerDefinition(Microsoft.Extensions.Options.IOptions<RedisSchedulerOptions> options) =>
        EndpointName = options.Value.QueueName;
}
