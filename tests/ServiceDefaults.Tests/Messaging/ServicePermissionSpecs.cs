using System.Text;
using ClayBus.Testing;
using RabbitMQ.Client;

namespace ClayBus.ServiceDefaults.Tests.Messaging;

/// <summary>
/// The service users exactly as <c>deploy/rabbitmq/permissions</c> defines them (the file the scripts, Compose and the
/// end-to-end harness apply), in a vhost of this class's own where each exchange a forger could aim at is bound to a
/// queue: a refused publish closes the channel with ACCESS_REFUSED and leaves that queue empty; a permitted one lands.
/// </summary>
[Trait("Category", "Integration")]
public sealed class ServicePermissionSpecs : IAsyncLifetime
{
    private const ushort AccessRefused = 403;
    private const string ChangeBudgetLimit = "ClayBus.Contracts.Credits:ChangeBudgetLimit";
    private const string ReleaseTableHold = "ClayBus.Contracts.Credits:ReleaseTableHold";
    private const string CancelJob = "ClayBus.Contracts.Tracking:CancelJob";
    private const string SubmitJob = "ClayBus.Contracts.Submission:SubmitJob";
    private const string DeliverBatch = "ClayBus.Contracts.Delivery:DeliverBatch";

    /// <summary>Where the Monitor sends CancelJob (the job saga's endpoint), beside the type exchanges.</summary>
    private const string JobState = "job-state";

    private static readonly string[] Exchanges = [ChangeBudgetLimit, ReleaseTableHold, CancelJob, SubmitJob, DeliverBatch, JobState];

    private RabbitMqTestVhost _vhost = null!;
    private BrokerUsers _users = null!;

    public async Task InitializeAsync()
    {
        _vhost = await RabbitMqTestVhost.CreateAsync("service-permissions");
        await using var admin = await ConnectAsync(TestInfrastructure.RabbitUser, TestInfrastructure.RabbitPassword);
        await using var channel = await admin.CreateChannelAsync();
        foreach (var exchange in Exchanges)
        {
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
            await channel.QueueDeclareAsync(Watch(exchange), durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync(Watch(exchange), exchange, "");
        }

        _users = await BrokerUsers.CreateAsync(_vhost, "submitter", "enricher", "monitor");
    }

    public async Task DisposeAsync()
    {
        await _users.DisposeAsync();
        await _vhost.DisposeAsync();
    }

    [Theory]
    [InlineData("monitor", SubmitJob)]
    [InlineData("submitter", ChangeBudgetLimit)]
    [InlineData("submitter", ReleaseTableHold)]
    [InlineData("submitter", CancelJob)]
    [InlineData("submitter", JobState)]
    [InlineData("enricher", SubmitJob)]
    [InlineData("enricher", DeliverBatch)]
    [InlineData("enricher", ChangeBudgetLimit)]
    [InlineData("enricher", ReleaseTableHold)]
    [InlineData("enricher", CancelJob)]
    [InlineData("enricher", JobState)]
    public async Task Should_refuse_a_service_what_it_must_not_publish(string user, string exchange)
    {
        var (name, password) = _users[user];
        await using var connection = await ConnectAsync(name, password);
        var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        try
        {
            await PublishAsync(channel, exchange);
        }
        catch (Exception exception) when (exception is RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.PublishException or RabbitMQ.Client.Exceptions.AlreadyClosedException)
        {
            // The broker closes the channel; its reason is checked below.
        }

        await Eventually.Until(() => channel.IsClosed, TimeSpan.FromSeconds(30), $"the broker to close {user}'s channel");
        Assert.Equal<ushort?>(AccessRefused, channel.CloseReason?.ReplyCode);
        Assert.Equal(0, await _vhost.QueueDepthAsync(Watch(exchange)));
    }

    [Theory]
    [InlineData("monitor", ChangeBudgetLimit)]
    [InlineData("monitor", ReleaseTableHold)]
    [InlineData("monitor", CancelJob)]
    [InlineData("monitor", JobState)]
    [InlineData("monitor", DeliverBatch)] // its scheduler forwards the batches the Enrichers park
    [InlineData("submitter", DeliverBatch)]
    public async Task Should_permit_a_service_what_it_publishes(string user, string exchange)
    {
        var (name, password) = _users[user];
        await using var connection = await ConnectAsync(name, password);
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

        await PublishAsync(channel, exchange);

        await Eventually.Until(async () => await _vhost.QueueDepthAsync(Watch(exchange)) == 1, TimeSpan.FromSeconds(30), $"{user}'s message behind {exchange}");
        Assert.False(channel.IsClosed);
    }

    private static string Watch(string exchange) => "watch-" + exchange.Replace(':', '-');

    private static Task PublishAsync(IChannel channel, string exchange) =>
        channel.BasicPublishAsync(exchange, "", mandatory: true, new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent }, Encoding.UTF8.GetBytes("""{"forged":true}""")).AsTask();

    private Task<IConnection> ConnectAsync(string user, string password) =>
        new ConnectionFactory
        {
            HostName = TestInfrastructure.RabbitHost,
            Port = TestInfrastructure.RabbitPort,
            VirtualHost = _vhost.Name,
            UserName = user,
            Password = password,
        }.CreateConnectionAsync();
}
