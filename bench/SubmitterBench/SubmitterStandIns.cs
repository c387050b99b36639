using ClayBus.Contracts.Credits;
using MassTransit;
using RabbitMQ.Client;

namespace ClayBus.Bench;

/// <summary>
/// What a Submitter measured alone needs around it in its vhost: a stand-in credit ledger with plenty left, and a
/// deliver-batch queue capped (drop-head) so a million rows do not pile up in RabbitMQ. SagaFootprintBench links
/// this file, so both benchmarks measure the Submitter in the same surroundings.
/// </summary>
internal static class SubmitterStandIns
{
    /// <summary>Answers the Submitter's budget question (<see cref="GetBudgetStatus"/>) with a budget no job reaches.</summary>
    public static async Task<IBusControl> StartLedgerAsync(string host, string virtualHost, string username, string password)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(host, virtualHost, h =>
            {
                h.Username(username);
                h.Password(password);
            });
            cfg.ReceiveEndpoint("bench-credit-ledger", e => e.Handler<GetBudgetStatus>(context =>
                context.RespondAsync(new BudgetStatus(DateOnly.FromDateTime(DateTime.UtcNow), "UTC", 1e12m, 0, 0, 1e12m, false, DateTimeOffset.UtcNow.AddDays(1)))));
        });
        await bus.StartAsync();
        return bus;
    }

    /// <summary>Declares the topology MassTransit would, before the Submitter does, with the queue capped at 2,000 batches.</summary>
    public static async Task DeclareCappedDeliverBatchAsync(string host, string virtualHost, string username, string password)
    {
        var factory = new ConnectionFactory { HostName = host, VirtualHost = virtualHost, UserName = username, Password = password };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync("ClayBus.Contracts.Delivery:DeliverBatch", ExchangeType.Fanout, durable: true);
        await channel.ExchangeDeclareAsync("deliver-batch", ExchangeType.Fanout, durable: true);
        await channel.ExchangeBindAsync("deliver-batch", "ClayBus.Contracts.Delivery:DeliverBatch", "");
        await channel.QueueDeclareAsync("deliver-batch", durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
        {
            ["x-max-priority"] = 10,
            ["x-max-length"] = 2_000,
        });
        await channel.QueueBindAsync("deliver-batch", "deliver-batch", "");
    }
}
