namespace ClayBus.Monitor.Status;

/// <summary>
/// The dead-letter view: queue depths from the management API (a read-only <c>GET /api/queues</c>, never a get of
/// messages, which would count as a redelivery) and failure groups from the fault index. A queue found empty drops
/// its groups; messages that no fault announced (e.g. malformed JSON on a raw queue) show as the queue's unindexed.
/// </summary>
public sealed class DeadLetterReader(RabbitManagementClient management, DeadLetterIndexStore index, TimeProvider clock, ILogger<DeadLetterReader> logger)
{
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(30);

    public async Task<DeadLetterReport> ReadAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<(string Name, long Messages)> queues;
        try
        {
            queues = [.. (await management.QueuesAsync(cancellationToken))
                .Where(queue => queue.Name.EndsWith(DeadLetterGrouping.ErrorSuffix, StringComparison.Ordinal))
                .OrderBy(queue => queue.Name, StringComparer.Ordinal)];
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("The RabbitMQ management API could not be read: {Reason}", exception.Message);
            return new DeadLetterReport(false, 0, [], [], "the RabbitMQ management API could not be read: " + exception.Message);
        }

        var views = new List<DeadLetterQueue>();
        var groups = new List<DeadLetterGroup>();
        foreach (var (name, depth) in queues)
        {
            if (depth == 0)
            {
                await index.ForgetEmptiedAsync(name, clock.GetUtcNow(), Grace);
                views.Add(new DeadLetterQueue(name, DeadLetterGrouping.SourceOf(name), 0));
                continue;
            }

            var indexed = await index.GroupsAsync(name);
            var count = indexed.Sum(group => group.Count);
            views.Add(new DeadLetterQueue(name, DeadLetterGrouping.SourceOf(name), depth, count, Math.Max(0, depth - count)));
            groups.AddRange(indexed.OrderByDescending(group => group.Count).Select(DeadLetterGroup.From));
        }

        return new DeadLetterReport(true, queues.Sum(queue => queue.Messages), views, groups);
    }
}
