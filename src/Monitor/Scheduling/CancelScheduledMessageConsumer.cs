using MassTransit;
using MassTransit.Scheduling;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Scheduling;

/// <summary>Removes a scheduled message; one already sent is harmless (the saga ignores a stale token).</summary>
public sealed partial class CancelScheduledMessageConsumer(ScheduledMessageStore store, ILogger<CancelScheduledMessageConsumer> logger) : IConsumer<CancelScheduledMessage>
{
    public async Task Consume(ConsumeContext<CancelScheduledMessage> context)
    {
        var removed = await store.Cancel(context.Message.TokenId);
        LogCancelled(logger, context.Message.TokenId, removed);
    }

    [LoggerMessage(LogLevel.Debug, "Cancelled {TokenId} (was waiting: {Removed})")]
    private static partial void LogCancelled(ILogger logger, Guid tokenId, bool removed);
}

public sealed class CancelScheduledMessageConsumerDefinition : ConsumerDefinition<CancelScheduledMessageConsumer>
{
    public CancelScheduledMessageConsumerDefinition(IOptions<RedisSchedulerOptions> options) => EndpointName = options.Value.QueueName;
}
