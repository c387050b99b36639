using System.Net;
using ClayBus.Monitor.Status;
using ClayBus.ServiceDefaults.Messaging;
using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Operations;

/// <summary>The outcome of a requeue; <see cref="Completed"/> is false when the shovel was still moving at the deadline.</summary>
public sealed record RequeueResult(string Queue, string Destination, long Moved, bool Completed, string? Shovel);

/// <summary>A dead-letter queue, its source queue, and how many messages a requeue moves (the depth when prepared).</summary>
public sealed record RequeueTarget(string Queue, string Destination, long Count);

/// <summary>Why a requeue could not start.</summary>
public sealed class RequeueRefusedException(int status, string detail) : Exception(detail)
{
    public int Status { get; } = status;
}

/// <summary>
/// Moves the messages of <c>&lt;queue&gt;_error</c> back to <c>&lt;queue&gt;</c> as the management UI's "Move
/// messages" does: a dynamic shovel (management HTTP API) that deletes itself once done. The count comes from the
/// broker itself (a passive declare), and the shovel moves exactly that many, so the answer is exact and a message
/// dead-lettered meanwhile waits for the next requeue instead of keeping the shovel alive.
/// </summary>
public sealed class DeadLetterMover(HttpClient management, RequeueBroker broker, IOptions<RabbitMqOptions> rabbit, IOptions<OperationsOptions> options, TimeProvider clock)
{
    private string VirtualHost => Uri.EscapeDataString(rabbit.Value.VirtualHost);

    /// <summary>What a requeue would move now: refused (404, 409) when it cannot run; a count of 0 is a no-op.</summary>
    public async Task<RequeueTarget> PrepareAsync(string queue, CancellationToken cancellationToken)
    {
        var destination = DeadLetterGrouping.SourceOf(queue);
        var (depth, destinationExists) = await DepthAsync(queue, destination, cancellationToken);
        if (depth is not { } count)
        {
            throw new RequeueRefusedException(404, $"queue '{queue}' does not exist in vhost '{rabbit.Value.VirtualHost}': see GET /status/dead-letters for the _error queues");
        }

        if (!destinationExists)
        {
            throw new RequeueRefusedException(409, $"the source queue '{destination}' does not exist, so nothing would consume the moved messages: start the service that owns it first");
        }

        return new RequeueTarget(queue, destination, count);
    }

    public async Task<RequeueResult> MoveAsync(RequeueTarget target, CancellationToken cancellationToken)
    {
        var (queue, destination, count) = target;
        if (count == 0)
        {
            return new RequeueResult(queue, destination, 0, true, null);
        }

        var uri = "amqp:///" + Uri.EscapeDataString(rabbit.Value.VirtualHost);
        var shovel = $"claybus-requeue-{MassTransit.NewId.NextGuid():N}";
        var body = new Dictionary<string, object>
        {
            ["src-protocol"] = "amqp091",
            ["src-uri"] = uri,
            ["src-queue"] = queue,
            ["dest-protocol"] = "amqp091",
            ["dest-uri"] = uri,
            ["dest-queue"] = destination,
            ["src-delete-after"] = count,
            ["ack-mode"] = "on-confirm",
        };
        using (var response = await management.PutAsJsonAsync($"parameters/shovel/{VirtualHost}/{shovel}", new { value = body }, cancellationToken))
        {
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                throw new RequeueRefusedException(503, "the broker has no shovel support: enable the rabbitmq_shovel and rabbitmq_shovel_management plugins");
            }

            response.EnsureSuccessStatusCode();
        }

        var deadline = clock.GetUtcNow() + TimeSpan.FromSeconds(options.Value.RequeueWaitSeconds);
        while (clock.GetUtcNow() < deadline)
        {
            using var status = await management.GetAsync($"parameters/shovel/{VirtualHost}/{shovel}", cancellationToken);
            if (status.StatusCode == HttpStatusCode.NotFound)
            {
                return new RequeueResult(queue, destination, count, true, shovel);
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), clock, cancellationToken);
        }

        return new RequeueResult(queue, destination, count, false, shovel);
    }

    /// <summary>
    /// Ready messages of <paramref name="queue"/> (null when it does not exist) and whether <paramref name="destination"/>
    /// exists, by passive declares: exact, where the management API's figures lag by seconds.
    /// </summary>
    private async Task<(long? Depth, bool DestinationExists)> DepthAsync(string queue, string destination, CancellationToken cancellationToken)
    {
        await using var connection = await broker.ConnectAsync("requeue", cancellationToken);
        return (await RequeueBroker.DepthAsync(connection, queue, cancellationToken), await RequeueBroker.DepthAsync(connection, destination, cancellationToken) is not null);
    }
}
