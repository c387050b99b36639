using System.Net;
using ClayBus.Cli.Connection;
using ClayBus.Cli.Console;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace ClayBus.Cli.Status;

/// <summary>
/// Reads a snapshot every refresh and shows it: redrawn in place on a terminal (Spectre's live display), or as one
/// timestamped plain line when the progress changes (and a heartbeat line while it does not) when stdout is a pipe.
/// Rides out a Monitor that stops answering for a while; stops on Ctrl-C or when <c>stop</c> gives an exit code.
/// </summary>
internal sealed class Watch<T>(Terminal terminal, StatusTiming timing, TimeProvider clock)
    where T : class
{
    public sealed record Ending(T Last, int? ExitCode, bool Interrupted);

    public async Task<Ending> RunAsync(
        T first,
        Func<CancellationToken, Task<T>> read,
        Func<T, string?, IRenderable> render,
        Func<T, string> plain,
        Func<T, string> progress,
        Func<T, int?> stop,
        CancellationToken cancellationToken)
    {
        var state = new Progress(first, stop(first));
        if (terminal.Live)
        {
            await terminal.Console.Live(render(first, null)).AutoClear(false).Overflow(VerticalOverflow.Ellipsis).Cropping(VerticalOverflowCropping.Bottom)
                .StartAsync(async live =>
                {
                    while (state.ExitCode is null && await NextAsync(state, read, stop, cancellationToken))
                    {
                        live.UpdateTarget(render(state.Last, state.Notice));
                        live.Refresh();
                    }
                });
        }
        else
        {
            Print(plain(first), null);
            var printed = (Progress: progress(first), Notice: (string?)null);
            var printedAt = clock.GetUtcNow();
            while (state.ExitCode is null && await NextAsync(state, read, stop, cancellationToken))
            {
                // Only the watched progress counts as a change: the budget moves with every other job too.
                var now = (Progress: progress(state.Last), state.Notice);
                if (now != printed || clock.GetUtcNow() - printedAt >= timing.Heartbeat)
                {
                    Print(plain(state.Last), state.Notice);
                    printed = now;
                    printedAt = clock.GetUtcNow();
                }
            }
        }

        return new Ending(state.Last, state.ExitCode, state.Interrupted);
    }

    private void Print(string line, string? notice) =>
        terminal.PlainLine($"{clock.GetLocalNow():HH:mm:ss} {line}{(notice is null ? "" : " [" + notice + "]")}");

    /// <returns>False on Ctrl-C; otherwise the state holds the newest snapshot (or a notice why there is none).</returns>
    private async Task<bool> NextAsync(Progress state, Func<CancellationToken, Task<T>> read, Func<T, int?> stop, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(timing.Refresh, clock, cancellationToken);
            state.Last = await read(cancellationToken);
            state.FailingSince = null;
            state.Notice = null;
            state.ExitCode = stop(state.Last);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            state.Interrupted = true;
            return false;
        }
        catch (Exception exception) when (IsPassing(exception))
        {
            // A restart or deploy of the Monitor must not end a long watch; a lasting outage must.
            var now = clock.GetUtcNow();
            state.FailingSince ??= now;
            if (now - state.FailingSince >= timing.OutageLimit)
            {
                throw;
            }

            state.Notice = $"the Monitor is not answering since {state.FailingSince.Value.ToLocalTime():HH:mm:ss}; retrying";
        }

        return true;
    }

    private static bool IsPassing(Exception exception) =>
        exception is ServiceUnreachableException || (exception is ServiceProblemException problem && ((int)problem.Status >= 500 || problem.Status == HttpStatusCode.NotFound));

    private sealed class Progress(T last, int? exitCode)
    {
        public T Last { get; set; } = last;

        public int? ExitCode { get; set; } = exitCode;

        public bool Interrupted { get; set; }

        public DateTimeOffset? FailingSince { get; set; }

        public string? Notice { get; set; }
    }
}
