using System.Net.Mime;
using ClayBus.ServiceDefaults.Messaging;
using MassTransit;
using MassTransit.Serialization;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Scheduling;

/// <summary>
/// Sends due messages. Runs in every Monitor instance; the store's lease makes each message go out once
/// (at least once if an instance dies between sending and completing, which a saga's token check absorbs).
/// </summary>
public sealed partial class ScheduledMessageForwarder(
    ScheduledMessageStore store,
    IBus bus,
    IOptions<RedisSchedulerOptions> options,
    TimeProvider clock,
    ILogger<ScheduledMessageForwarder> logger) : BackgroundService
{
    /// <summary>The AMQP priority (0-255) to send a scheduled message with; the Enricher's parked batches carry it.</summary>
    public const string PriorityHeader = "ClayBus-Priority";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            var sent = 0;
            try
            {
                var (tokens, lease) = await store.ClaimDue(clock.GetUtcNow(), settings.Lease, settings.BatchSize);
                foreach (var token in tokens)
                {
                    if (await Forward(token, lease, stoppingToken))
                    {
                        sent++;
                    }
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Redis or the broker is away: the claimed messages come back when their lease ends.
                LogForwardFailed(exception);
            }

            if (sent < settings.BatchSize)
            {
                await Task.Delay(settings.PollInterval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    private async Task<bool> Forward(Guid token, long lease, CancellationToken cancellationToken)
    {
        var record = await store.Read(token);
        if (record is null)
        {
            // Cancelled between claim and read.
            await store.Complete(token, lease);
            return false;
        }

        var endpoint = await bus.GetSendEndpoint(record.Destination);
        await BrokerDeadline.WithinAsync(deadline => endpoint.Send(new SerializedMessageBody(), send =>
        {
            send.Serializer = new StoredEnvelopeSerializer(new ContentType(record.ContentType), record.Body);
            if (record.MessageId is { } messageId)
            {
                send.MessageId = messageId;
            }

            foreach (var (key, value) in record.Headers)
            {
                send.Headers.Set(key, value);
            }

            // AMQP priority is a property, not a header: a sender that needs it back (a parked batch) names it.
            if (record.Headers.TryGetValue(PriorityHeader, out var text) && byte.TryParse(text, out var priority))
            {
                send.SetPriority(priority);
            }
        }, deadline), cancellationToken);
        await store.Complete(token, lease);
        LogForwarded(token, record.Destination);
        return true;
    }

    [LoggerMessage(LogLevel.Debug, "Sent scheduled message {TokenId} to {Destination}")]
    private partial void LogForwarded(Guid tokenId, Uri destination);

    [LoggerMessage(LogLevel.Warning, "Could not send due scheduled messages; they are retried after their lease")]
    private partial void LogForwardFailed(Exception exception);
}

/// <summary>Writes an envelope serialized when the message was scheduled, byte for byte.</summary>
internal sealed class StoredEnvelopeSerializer(ContentType contentType, byte[] body) : IMessageSerializer
{
    public ContentType ContentType => contentType;

    public MessageBody GetMessageBody<T>(SendContext<T> context)
        where T : class => new BytesMessageBody(body);
}
