using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Harness;

/// <summary>
/// The whole of ClayBus on this machine: ClaySim, the Monitor, the Submitter and N Enrichers, each its own process,
/// on the real RabbitMQ and Redis in a vhost and key prefix of their own. Processes can be killed and restarted.
/// </summary>
public sealed partial class Pipeline : IAsyncDisposable
{
    /// <summary>The development placeholder key of the services' appsettings.Development.json (all roles).</summary>
    public const string DevApiKey = "dev-only-claybus-api-key";

    // Twice ServiceProcess's default: the services now start side by side, and beside other test projects a start
    // under load took longer than 60 s. Only how long a failure takes to show changes.
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromMinutes(2);

    private readonly InfrastructureFixture _infrastructure;
    private readonly PipelineSettings _settings;
    private readonly List<ServiceProcess> _retired = [];
    private readonly Dictionary<string, string?> _webhooks = [];
    private readonly int _monitorPort = ServiceProcess.FreePort();
    private readonly int _submitterPort = ServiceProcess.FreePort();
    private readonly CancellationTokenSource _supervision = new();
    private readonly List<string> _supervisorRestarts = [];
    private Task _supervisor = Task.CompletedTask;
    private BrokerUsers? _brokerUsers;

    private Pipeline(InfrastructureFixture infrastructure, PipelineSettings settings)
    {
        _infrastructure = infrastructure;
        _settings = settings;
        CallbackSecret = "e2e-callback-secret-" + Guid.NewGuid().ToString("N");
    }

    public string CallbackSecret { get; }

    public ServiceProcess ClaySim { get; private set; } = null!;

    public ServiceProcess Monitor { get; private set; } = null!;

    public ServiceProcess Submitter { get; private set; } = null!;

    public List<ServiceProcess> Enrichers { get; } = [];

    /// <summary>Settings for Enrichers started from now on, over every other (e.g. a raised price list before a restart).</summary>
    public Dictionary<string, string?> EnricherOverrides { get; } = [];

    public HttpClient ClaySimHttp { get; private set; } = null!;

    public HttpClient MonitorHttp { get; private set; } = null!;

    public HttpClient SubmitterHttp { get; private set; } = null!;

    public InfrastructureFixture Infrastructure => _infrastructure;

    /// <summary>
    /// Every secret this run configured: none may appear in any process's output. Webhook URLs and tokens, the
    /// callback secret, the API key every request carries, and each password handed to the services (RabbitMQ's, and
    /// Redis's when one is set, as a setting or inside the endpoints string).
    /// </summary>
    public IEnumerable<string> Secrets =>
        _webhooks.Values.OfType<string>()
            .Append(CallbackSecret)
            .Append(DevApiKey)
            .Append(TestInfrastructure.RabbitPassword)
            .Concat(_brokerUsers?.Passwords ?? [])
            .Concat(PasswordsIn(ServiceEnvironment([])));

    /// <summary>Every line every process of this run printed, including processes that were killed.</summary>
    public IEnumerable<(string Process, string Line)> Output =>
        _retired.Concat(Enrichers).Append(ClaySim).Append(Monitor).Append(Submitter)
            .Where(process => process is not null)
            .SelectMany(process => process.Output.Select(line => (process.Name, line)));

    public static async Task<Pipeline> StartAsync(InfrastructureFixture infrastructure, PipelineSettings settings)
    {
        var pipeline = new Pipeline(infrastructure, settings);
        // Each service as its own broker user, with exactly the permissions deploy/rabbitmq/permissions gives it.
        pipeline._brokerUsers = await BrokerUsers.CreateAsync(infrastructure.Rabbit, "submitter", "enricher", "monitor");
        // Side by side where nothing depends on the order: ClaySim and the Monitor need nothing from each other, and
        // the Submitter and Enrichers start once the Monitor's queues exist (what they publish is not lost) and the
        // Enrichers have ClaySim's webhooks. Each Start* names and lists its process before its first await.
        try
        {
            await Task.WhenAll(pipeline.StartClaySimAsync(), pipeline.StartMonitorAsync());
            await Task.WhenAll(Enumerable.Range(0, settings.Enrichers).Select(_ => pipeline.StartEnricherAsync()).Append(pipeline.StartSubmitterAsync()));
        }
        catch
        {
            // A service that never became ready must not leave the others running past the test host.
            await pipeline.StopProcessesAsync();
            if (pipeline._brokerUsers is not null)
            {
                await pipeline._brokerUsers.DisposeAsync();
            }

            throw;
        }

        pipeline._supervisor = pipeline.SuperviseAsync(pipeline._supervision.Token);
        return pipeline;
    }

    /// <summary>Processes of this run that died without being killed by the test: each counts as a crash.</summary>
    public int UnexpectedExits =>
        Enrichers.Append(Submitter).Append(Monitor).Append(ClaySim).Count(process => process is not null && !_retired.Contains(process) && process.HasExited);
    /// <summary>Writes every process's output to <c>TestResults/end-to-end/&lt;run&gt;/</c>, so a failure in CI can be read.</summary>
    public async Task SaveOutputAsync(string run)
    {
        var folder = Path.Combine(ServiceProcess.RepositoryRoot, "TestResults", "end-to-end", run);
        Directory.CreateDirectory(folder);
        foreach (var group in Output.GroupBy(output => output.Process))
        {
            await File.WriteAllLinesAsync(Path.Combine(folder, group.Key + ".log"), group.Select(output => output.Line));
        }
    }

    /// <summary>
    /// Stops every process, then runs issue 10's secret check over all they printed, shutdown included: every spec
    /// that starts a pipeline (<c>await using</c>) gets the check, fault runs as well as the happy path. A leak fails
    /// the spec even when the scenario failed too (its logs are saved by then, see <see cref="SaveOutputAsync"/>).
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        await _supervision.CancelAsync();
        await _supervisor;
        _supervision.Dispose();
        await StopProcessesAsync();

        ClaySimHttp?.Dispose();
        MonitorHttp?.Dispose();
        SubmitterHttp?.Dispose();
        if (_brokerUsers is not null)
        {
            await _brokerUsers.DisposeAsync();
        }

        SecretScan.AssertNoSecretIn(this);
    }

    /// <summary>Every process stops gracefully at once: one after another, their bus shutdowns added up to seconds a suite.</summary>
    private async Task StopProcessesAsync() =>
        await Task.WhenAll(Enrichers.Append(Submitter).Append(Monitor).Append(ClaySim).Where(p => p is not null).Select(p => p.DisposeAsync().AsTask()));

    private static IEnumerable<string> PasswordsIn(IReadOnlyDictionary<string, string?> environment)
    {
        foreach (var (key, value) in environment)
        {
            if (string.IsNullOrEmpty(value))
            {
                continue;
            }

            if (key.EndsWith("Password", StringComparison.OrdinalIgnoreCase))
            {
                yield return value;
            }
            else if (key.Equals("Redis__Endpoints", StringComparison.OrdinalIgnoreCase) && StackExchange.Redis.ConfigurationOptions.Parse(value).Password is { Length: > 0 } redis)
            {
                yield return redis;
            }
        }
    }

    private Dictionary<string, string?> ServiceEnvironment(Dictionary<string, string?> specific, string? brokerUser = null)
    {
        var environment = new Dictionary<string, string?>(_infrastructure.Environment);
        var credentials = brokerUser is null || _brokerUsers is null ? [] : _brokerUsers.Environment(brokerUser);
        foreach (var (key, value) in credentials.Concat(_settings.Extra).Concat(specific))
        {
            environment[key] = value;
        }

        return environment;
    }
}
