using Microsoft.Extensions.Options;

namespace ClayBus.Monitor.Status;

public sealed class DeadLetterReader(RabbitManagementClient management, IOptions<StatusOptions> options, ILogger<DeadLetterReader> logger)
{
    public async Task<DeadLetterReport> ReadAsync(CancellationToken cancellationToken)
    {
        try
        {
            var queues = (await management.QueuesAsync(cancellationToken))
                .Where(queue => queue.Name.EndsWith(DeadLetterGrouping.ErrorSuffix, StringComparison.Ordinal))
                .OrderBy(queue => queue.Name, StringComparer.Ordinal)
                .ToList();
            var groups = new List<DeadLetterGroup>();
            foreach (var (name, depth) in queues.Where(queue => queue.Messages > 0))
            {
                var headers = await management.PeekHeadersAsync(name, options.Value.DeadLetterPeek, cancellationToken);
                groups.AddRange(DeadLetterGrouping.Group(name, headers));
            }

            return new DeadLetterReport(
                true,
                queues.Sum(queue => queue.Messages),
                queues.Select(queue => new DeadLetterQueue(queue.Name, DeadLetterGrouping.SourceOf(queue.Name), queue.Messages)).ToList(),
                groups);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The RabbitMQ management API could not be read: {Reason}", exception.Message);
            return new DeadLetterReport(false, 0, [], [], "the RabbitMQ management API could not be read: " + exception.Message);
        }
    }
}
