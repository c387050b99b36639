using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using ClayBus.Cli.Connection;
using ClayBus.Cli.Console;
using Spectre.Console;

namespace ClayBus.Cli.Submit;

/// <summary>
/// <c>claybus submit leads.csv</c>: streams the file to the Submitter's <c>POST /jobs/csv</c> (never loading it into
/// memory) behind a progress bar, then prints the job's summary.
/// </summary>
public sealed class SubmitCommand(Terminal terminal) : ICommand
{
    public string Name => "submit";

    public string Summary => "stream a CSV of leads to the Submitter and print the job's summary";

    public IReadOnlyList<Symbol> Parameters =>
    [
        Syntax.Operand("leads.csv", "the CSV file of leads, streamed (never loaded into memory)", required: true),
        Syntax.Value("--table", "auto|table-key", "'auto' routes each row by the Submitter's rules (default), or a table key sends every row there"),
        Syntax.Value("--priority", "high|normal|low", "delivery priority (default normal)"),
        Syntax.Submitter(),
        Syntax.Value("--idempotency-key", "key", "resubmitting with the same key returns the first job instead of sending again"),
        Syntax.Flag("--dry-run", "show where rows would go and what they would cost; nothing is sent"),
    ];

    public string Notes => "The request carries the API key from $CLAYBUS_API_KEY (default: the development placeholder).";

    public async Task<int> RunAsync(Arguments arguments, CancellationToken cancellationToken)
    {
        var path = arguments.Positionals.Count == 1 ? arguments.Positionals[0] : throw new UsageException("give exactly one CSV file, e.g. claybus submit samples/leads.csv");
        var table = arguments.Option("table") ?? "auto";
        var priority = (arguments.Option("priority") ?? "normal").ToLowerInvariant();
        var submitter = ServiceAddress.Submitter(arguments, terminal);
        var key = arguments.Option("idempotency-key");
        var dryRun = arguments.Flag("dry-run");
        arguments.RejectUnknown();
        if (priority is not ("high" or "normal" or "low"))
        {
            throw new UsageException($"--priority must be high, normal or low, got '{priority}'");
        }

        if (!File.Exists(path))
        {
            throw new UsageException($"no such file: {path}");
        }

        var query = $"?table={Uri.EscapeDataString(table)}&priority={priority}&dryRun={(dryRun ? "true" : "false")}"
            + (key is null ? "" : "&idempotencyKey=" + Uri.EscapeDataString(key));
        using var client = new ServiceClient(submitter, terminal);
        var http = client.Http;
        var baseAddress = submitter.BaseAddress;
        var length = new FileInfo(path).Length;
        async Task<(HttpStatusCode Status, string Body)> UploadAsync(Action<long> uploaded, Action waiting)
        {
            await using var file = new ProgressStream(File.OpenRead(path), uploaded);
            using var content = new StreamContent(file, 64 * 1024);
            content.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
            content.Headers.ContentLength = length;
            using var response = await http.PostAsync(new Uri("jobs/csv" + query, UriKind.Relative), content, cancellationToken);
            waiting();
            return (response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken));
        }

        (HttpStatusCode Status, string Body) answer = (default, "");
        try
        {
            if (terminal.Live)
            {
                await terminal.Console.Progress()
                    .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                    .StartAsync(async progress =>
                    {
                        var upload = progress.AddTask($"{Path.GetFileName(path)} → {baseAddress.Authority}", maxValue: Math.Max(1, length));
                        answer = await UploadAsync(read => upload.Value = read, () => upload.Description = "waiting for the broker's confirms");
                        upload.Value = upload.MaxValue;
                        upload.StopTask();
                    });
            }
            else
            {
                // A log gets two lines, not a progress bar frozen at its first frame.
                var started = Stopwatch.GetTimestamp();
                terminal.PlainLine($"Uploading {Path.GetFileName(path)} ({length / 1024.0:N0} KB) to the Submitter at {baseAddress}");
                answer = await UploadAsync(_ => { }, () => { });
                terminal.PlainLine($"Uploaded in {Stopwatch.GetElapsedTime(started).TotalSeconds:N1} s; the Submitter answered {(int)answer.Status}{((int)answer.Status is >= 200 and < 300 ? " (every batch confirmed by the broker)" : "")}");
            }
        }
        catch (HttpRequestException exception)
        {
            terminal.Console.MarkupLineInterpolated($"[red]cannot reach the Submitter at {baseAddress} ({exception.HttpRequestError switch { HttpRequestError.ConnectionError => "connection refused", _ => exception.Message }}). Start ClayBus with scripts/run.sh, or point --submitter or $CLAYBUS_SUBMITTER_URL at a running Submitter.[/]");
            return ExitCode.Failed;
        }

        return JobSummary.Print(answer.Status, answer.Body, terminal.Console);
    }
}
