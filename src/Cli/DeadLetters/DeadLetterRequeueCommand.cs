using ClayBus.Cli.Connection;
using ClayBus.Cli.Console;
using Spectre.Console;

namespace ClayBus.Cli.DeadLetters;

/// <summary><c>claybus dlq requeue &lt;queue&gt;</c>: asks the Monitor to move a dead-letter queue's messages back to their source queue.</summary>
public sealed class DeadLetterRequeueCommand(Terminal terminal) : ICommand
{
    public string Name => "dlq requeue";

    public string Summary => "move a dead-letter queue's messages back to the queue they failed on (role: operate)";

    public string Usage =>
        """
        usage: claybus dlq requeue <queue_error> [--monitor http://127.0.0.1:5103]
          <queue_error>  the dead-letter queue, e.g. deliver-batch_error (claybus dlq list shows them)
          --monitor      the Monitor's address (default $CLAYBUS_MONITOR_URL or http://127.0.0.1:5103)
          Needs an API key with the operate role in $CLAYBUS_API_KEY. Requeued batches go through idempotency, the rate
          limit and the budget like any other, so a batch Clay already has is not sent twice.
        """;

    public async Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var queue = arguments.Positionals.Count == 1 ? arguments.Positionals[0].Trim() : throw new UsageException("give one dead-letter queue, e.g. claybus dlq requeue deliver-batch_error");
        var address = ServiceAddress.Monitor(arguments, terminal);
        arguments.RejectUnknown();
        if (!queue.EndsWith("_error", StringComparison.Ordinal) || queue.Length == "_error".Length)
        {
            throw new UsageException($"'{queue}' is not a dead-letter queue: those end in _error, e.g. {(queue.Length > 0 ? queue : "deliver-batch")}_error (claybus dlq list shows them)");
        }

        using var monitor = new ServiceClient(address, terminal);
        var result = await monitor.PostAsync<RequeueView>($"dead-letters/{Uri.EscapeDataString(queue)}/requeue", null, cancellationToken);
        if (result.Completed)
        {
            terminal.Console.MarkupLineInterpolated($"[green]Requeued {result.Moved:N0} messages from {result.Queue} back to {result.Destination}.[/]");
        }
        else
        {
            terminal.Console.MarkupLineInterpolated($"[yellow]Still moving {result.Queue} back to {result.Destination}: {result.Moved:N0} messages so far; the broker's shovel {result.Shovel ?? ""} carries on.[/]");
            terminal.Console.MarkupLine("  Follow the depth with: claybus dlq list");
        }

        return ExitCode.Success;
    }
}
