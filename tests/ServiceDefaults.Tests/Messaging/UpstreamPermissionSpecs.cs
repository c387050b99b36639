using System.Net.Http.Json;
using System.Text;
using ClayBus.Testing;
using RabbitMQ.Client;

namespace ClayBus.ServiceDefaults.Tests.Messaging;

/// <summary>
/// The <c>upstream</c> user exactly as <c>deploy/rabbitmq/permissions</c> defines it (the file the scripts and compose
/// apply), in a vhost of this class's own with the two exchanges a publisher could aim at.
/// </summary>
[Trait("Category", "Integration")]
public sealed class UpstreamPermissionSpecs : IAsyncLifetime
{
    private const ushort AccessRefused = 403;
    private const string DeliverBatchExchange = "ClayBus.Contracts.Delivery:DeliverBatch";

    private readonly string _user = $"upstream-test-{Guid.NewGuid():N}";
    private readonly string _password = Guid.NewGuid().ToString("N");
    private RabbitMqTestVhost _vhost = null!;

    public async Task InitializeAsync()
    {
        _vhost = await RabbitMqTestVhost.CreateAsync("permissions");
        await using var admin = await ConnectAsync(TestInfrastructure.RabbitUser, TestInfrastructure.RabbitPassword);
        await using var channel = await admin.CreateChannelAsync();
        foreach (var (exchange, queue) in new[] { ("submit-job", "submit-job"), (DeliverBatchExchange, "deliver-batch") })
        {
            await channel.ExchangeDeclareAsync(exchange, ExchangeType.Fanout, durable: true);
            await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false);
            await channel.QueueBindAsync(queue, exchange, "");
        }

        var (configure, write, read) = await UpstreamPermissionsAsync();
        (await _vhost.Management.PutAsJsonAsync($"users/{_user}", new { password = _password, tags = "" })).EnsureSuccessStatusCode();
        (await _vhost.Management.PutAsJsonAsync($"permissions/{_vhost.EscapedName}/{_user}", new { configure, write, read })).EnsureSuccessStatusCode();
    }

    public async Task DisposeAsync()
    {
        await _vhost.Management.DeleteAsync($"users/{_user}");
        await _vhost.DisposeAsync();
    }

    [Fact]
    public async Task Should_publish_SubmitJob_to_the_submit_job_exchange()
    {
        await using var upstream = await ConnectAsync(_user, _password);
        await using var channel = await upstream.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));

        await channel.BasicPublishAsync("submit-job", "", mandatory: true, new BasicProperties { ContentType = "application/json", DeliveryMode = DeliveryModes.Persistent }, Encoding.UTF8.GetBytes("""{"rows":[]}"""));

        await Eventually.Until(async () => await _vhost.QueueDepthAsync("submit-job") == 1, TimeSpan.FromSeconds(30), "the SubmitJob in the submit-job queue");
    }

    [Fact]
    public Task Should_be_refused_publishing_DeliverBatch() =>
        AssertRefusedAsync(channel => channel.BasicPublishAsync(DeliverBatchExchange, "", mandatory: false, new BasicProperties(), Encoding.UTF8.GetBytes("""{"estimatedCredits":0}""")).AsTask());

    [Fact]
    public Task Should_be_refused_reading_a_queue() =>
        AssertRefusedAsync(channel => channel.BasicGetAsync("submit-job", autoAck: true));

    [Fact]
    public Task Should_be_refused_declaring_a_queue() =>
        AssertRefusedAsync(channel => channel.QueueDeclareAsync("upstream-spy", durable: false, exclusive: false, autoDelete: true));

    [Fact]
    public Task Should_be_refused_declaring_an_exchange() =>
        AssertRefusedAsync(channel => channel.ExchangeDeclareAsync("ClayBus.Contracts.Credits:ChangeBudgetLimit", ExchangeType.Fanout, durable: true));

    private async Task AssertRefusedAsync(Func<IChannel, Task> attempt)
    {
        await using var upstream = await ConnectAsync(_user, _password);
        var channel = await upstream.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        try
        {
            await attempt(channel);
        }
        catch (Exception exception) when (exception is RabbitMQ.Client.Exceptions.OperationInterruptedException or RabbitMQ.Client.Exceptions.PublishException)
        {
            // The broker closes the channel; its reason is checked below.
        }

        await Eventually.Until(() => channel.IsClosed, TimeSpan.FromSeconds(30), "the broker to close the channel");
        Assert.Equal<ushort?>(AccessRefused, channel.CloseReason?.ReplyCode);
        Assert.Equal(0, await _vhost.QueueDepthAsync("deliver-batch"));
    }

    private Task<IConnection> ConnectAsync(string user, string password) =>
        new ConnectionFactory
        {
            HostName = TestInfrastructure.RabbitHost,
            Port = TestInfrastructure.RabbitPort,
            VirtualHost = _vhost.Name,
            UserName = user,
            Password = password,
        }.CreateConnectionAsync();

    private static async Task<(string Configure, string Write, string Read)> UpstreamPermissionsAsync()
    {
        var upstream = (await BrokerUserPermissions.ReadAsync())["upstream"];
        return (upstream.Configure, upstream.Write, upstream.Read);
    }
}
