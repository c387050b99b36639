using ClayBus.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace ClayBus.Monitor.Operations;

/// <summary>AMQP connections of the paced requeue, with the Monitor's broker settings.</summary>
public sealed class RequeueBroker(IOptions<RabbitMqOptions> rabbit)
{
    public string VirtualHost => rabbit.Value.VirtualHost;

    public Task<IConnection> ConnectAsync(string purpose, CancellationToken cancellationToken)
    {
        var settings = rabbit.Value;
        var factory = new ConnectionFactory
        {
            HostName = settings.Host,
            Port = settings.Port,
            VirtualHost = settings.VirtualHost,
            UserName = settings.Username,
            Password = settings.Password,
            Ssl = new SslOption(settings.Host, enabled: settings.UseTls),
        };
        return factory.CreateConnectionAsync("claybus-monitor-" + purpose, cancellationToken);
    }

    /// <summary>Ready messages in <paramref name="queue"/>, null when it does not exist: exact, where the management API lags.</summary>
    public static async Task<long?> DepthAsync(IConnection connection, string queue, CancellationToken cancellationToken)
    {
        // A failed passive declare closes its channel: one channel per question.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(queue, cancellationToken)).MessageCount;
        }
        catch (OperationInterruptedException exception) when (exception.ShutdownReason?.ReplyCode == 404)
        {
            return null;
        }
    }
}
