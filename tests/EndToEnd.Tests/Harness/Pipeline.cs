using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Harness;

/// <summary>
/// The whole of ClayBus on this machine: ClaySim, the Monitor, the Submitter and N Enrichers, each its own process,
/// on the real RabbitMQ and Redis in a vhost and key prefix of their own. Processes can be killed and restarted.
/// </summary>
public sealed class Pipeline : IAsyncDisposable
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

    /// <summary>Services this run restarted because they asked to be (see <see cref="SuperviseAsync"/>).</summary>
    public IReadOnlyList<string> SupervisorRestarts
    {
        get
        {
            lock (_supervisorRestarts)
            {
                return [.. _supervisorRestarts];
            }
        }
    }

    /// <summary>
    /// Does what Kubernetes, compose or systemd do in production: a service that ended itself with exit code 75 (its
    /// consumer watchdog found an endpoint without a consumer) is started again (the Monitor and Submitter on the
    /// same address).
    /// Any other exit stays a crash, counted by <see cref="UnexpectedExits"/>.
    /// </summary>
    private async Task SuperviseAsync(CancellationToken stopping)
    {
        const int RestartMe = 75;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stopping);
                if (Monitor is { HasExited: true, ExitCode: RestartMe } monitor && !_retired.Contains(monitor))
                {
                    _retired.Add(monitor);
                    Record("monitor");
                    await StartMonitorAsync();
                }

                if (Submitter is { HasExited: true, ExitCode: RestartMe } submitter && !_retired.Contains(submitter))
                {
                    _retired.Add(submitter);
                    Record("submitter");
                    await StartSubmitterAsync();
                }

                foreach (var enricher in Enrichers.Where(e => e is { HasExited: true, ExitCode: RestartMe }).ToList())
                {
                    Enrichers.Remove(enricher);
                    _retired.Add(enricher);
                    Record(enricher.Name);
                    await StartEnricherAsync();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
        }

        void Record(string service)
        {
            lock (_supervisorRestarts)
            {
                _supervisorRestarts.Add(service);
            }
        }
    }

    public async Task StartMonitorAsync()
    {
        Monitor = ServiceProcess.Start("src/Monitor", ServiceEnvironment(new()
        {
            ["Callbacks__Secrets__0"] = CallbackSecret,
        }, "monitor"), _monitorPort, "monitor");
        MonitorHttp ??= Client(Monitor.BaseAddress, TimeSpan.FromSeconds(30));
        await Monitor.WaitReadyAsync(deadline: ReadyDeadline);
    }

    public async Task StartSubmitterAsync()
    {
        Submitter = ServiceProcess.Start("src/Submitter", ServiceEnvironment([], "submitter"), _submitterPort, "submitter");
        SubmitterHttp ??= Client(Submitter.BaseAddress, TimeSpan.FromMinutes(5));
        await Submitter.WaitReadyAsync(deadline: ReadyDeadline);
    }

    public async Task<ServiceProcess> StartEnricherAsync()
    {
        var environment = ServiceEnvironment(new(_webhooks)
        {
            ["RateLimit__RecordsPerSecond"] = _settings.RecordsPerSecond.ToString(CultureInfo.InvariantCulture),
            ["RateLimit__Burst"] = _settings.Burst.ToString(CultureInfo.InvariantCulture),
            ["RateLimit__IncreasePerSecond"] = (_settings.RateIncreasePerSecond ?? _settings.RecordsPerSecond / 10).ToString(CultureInfo.InvariantCulture),
            ["Budget__DailyLimit"] = _settings.DailyCreditLimit.ToString(CultureInfo.InvariantCulture),
            ["Delivery__AmbiguousSendDeadlineSeconds"] = _settings.AmbiguousSendDeadlineSeconds.ToString(CultureInfo.InvariantCulture),
        }, "enricher");
        foreach (var (key, value) in EnricherOverrides)
        {
            environment[key] = value;
        }

        var enricher = ServiceProcess.Start("src/Enricher", environment, name: $"enricher-{Enrichers.Count + _retired.Count(p => p.Name.StartsWith("enricher", StringComparison.Ordinal)) + 1}");
        Enrichers.Add(enricher);
        await enricher.WaitReadyAsync(deadline: ReadyDeadline);
        return enricher;
    }

    /// <summary>kill -9 of an Enricher; it stays in <see cref="Output"/> for the secret check.</summary>
    public void KillEnricher(int index)
    {
        var enricher = Enrichers[index];
        enricher.Kill();
        Enrichers.RemoveAt(index);
        _retired.Add(enricher);
    }

    public void KillMonitor()
    {
        Monitor.Kill();
        _retired.Add(Monitor);
    }

    public void KillSubmitter()
    {
        Submitter.Kill();
        _retired.Add(Submitter);
    }

    /// <summary>Streams a CSV to <c>POST /jobs/csv</c> and returns the 202's job report.</summary>
    public async Task<JsonElement> SubmitCsvAsync(string csv, string? idempotencyKey = null)
    {
        using var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        var path = idempotencyKey is null ? "jobs/csv" : $"jobs/csv?idempotencyKey={Uri.EscapeDataString(idempotencyKey)}";
        using var response = await SubmitterHttp.PostAsync(path, content);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw new InvalidOperationException($"POST /jobs/csv answered {(int)response.StatusCode}: {body}");
        }

        return JsonDocument.Parse(body).RootElement.Clone();
    }

    /// <summary>Processes of this run that died without being killed by the test: each counts as a crash.</summary>
    public int UnexpectedExits =>
        Enrichers.Append(Submitter).Append(Monitor).Append(ClaySim).Count(process => process is not null && !_retired.Contains(process) && process.HasExited);

    /// <summary>kill -9 of the Monitor, then a new one on the same address (Clay keeps calling the same URL).</summary>
    public async Task RestartMonitorAsync(Func<Task>? whileDown = null)
    {
        KillMonitor();
        if (whileDown is not null)
        {
            await whileDown();
        }

        await StartMonitorAsync();
    }

    /// <summary>Records Clay holds once each: what reached Clay, whatever was sent twice.</summary>
    public async Task<long> DistinctAtClayAsync()
    {
        var totals = (await CountersAsync()).GetProperty("totals");
        return totals.GetProperty("recordsAccepted").GetInt64() - totals.GetProperty("duplicateRowIds").GetInt64();
    }

    public async Task<JsonElement> CountersAsync() =>
        await ClaySimHttp.GetFromJsonAsync<JsonElement>("_sim/counters");

    public async Task PutClaySimAsync(string path, object body)
    {
        using var response = await ClaySimHttp.PutAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
    }

    public async Task PostClaySimAsync(string path, object body)
    {
        using var response = await ClaySimHttp.PostAsJsonAsync(path, body);
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonElement?> JobAsync(Guid jobId)
    {
        using var response = await MonitorHttp.GetAsync($"status/jobs/{jobId}");
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>() : null;
    }

    /// <summary>Waits until the job saga reaches one of <paramref name="phases"/> and returns the job's status.</summary>
    public async Task<JsonElement> WaitForJobAsync(Guid jobId, TimeSpan deadline, params string[] phases)
    {
        try
        {
            var job = await Eventually.Value(
                () => JobAsync(jobId),
                status => status is { } s && phases.Contains(s.GetProperty("phase").GetString(), StringComparer.OrdinalIgnoreCase),
                deadline,
                $"job {jobId} to reach {string.Join(" or ", phases)}");
            return job!.Value;
        }
        catch (TimeoutException timeout)
        {
            // What the saga and Clay saw is what a reader of the failure needs first.
            var last = await JobAsync(jobId);
            var counters = await CountersAsync();
            throw new TimeoutException(
                $"{timeout.Message}{Environment.NewLine}job: {last?.ToString() ?? "(none)"}{Environment.NewLine}claysim totals: {counters.GetProperty("totals")}, pending {counters.GetProperty("pendingEnrichment")}",
                timeout);
        }
    }

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

    private async Task StartClaySimAsync()
    {
        var environment = new Dictionary<string, string?>
        {
            ["ClaySim__CallbackBaseUrl"] = $"http://127.0.0.1:{_monitorPort}",
            ["ClaySim__CallbackSecret"] = CallbackSecret,
            ["ClaySim__RefillPerSecond"] = _settings.RecordsPerSecond.ToString(CultureInfo.InvariantCulture),
            ["ClaySim__BucketCapacity"] = _settings.Burst.ToString(CultureInfo.InvariantCulture),
            ["ClaySim__SpeedFactor"] = _settings.SpeedFactor.ToString(CultureInfo.InvariantCulture),
        };
        foreach (var (key, value) in _settings.ClaySimExtra)
        {
            environment[key] = value;
        }

        ClaySim = ServiceProcess.Start("tools/ClaySim", environment, name: "claysim");
        ClaySimHttp = new HttpClient { BaseAddress = ClaySim.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        await ClaySim.WaitReadyAsync("_sim/health", ReadyDeadline);

        await ReadWebhooksAsync();
    }

    private static HttpClient Client(Uri baseAddress, TimeSpan timeout)
    {
        var client = new HttpClient { BaseAddress = baseAddress, Timeout = timeout };
        client.DefaultRequestHeaders.Add("X-Api-Key", DevApiKey);
        return client;
    }

    /// <summary>
    /// Reads ClaySim's live webhooks into the Enrichers' settings, as an operator puts new webhook URLs into the
    /// secret; Enrichers started after this (see <see cref="RestartEnrichersAsync"/>) use them.
    /// </summary>
    public async Task ReadWebhooksAsync()
    {
        _webhooks.Clear();
        var workspace = await ClaySimHttp.GetFromJsonAsync<JsonElement>("_sim/workspace");
        foreach (var table in workspace.GetProperty("tables").EnumerateArray())
        {
            var key = table.GetProperty("key").GetString();
            var index = 0;
            foreach (var webhook in table.GetProperty("webhooks").EnumerateArray().Where(w => !w.GetProperty("deleted").GetBoolean()))
            {
                _webhooks[$"Tables__{key}__Webhooks__{index}__Url"] = webhook.GetProperty("url").GetString();
                _webhooks[$"Tables__{key}__Webhooks__{index}__Token"] = webhook.GetProperty("token").GetString();
                index++;
            }
        }
    }

    /// <summary>A rolling restart of every Enricher (graceful stop, then a new process), as a configuration change does.</summary>
    public async Task RestartEnrichersAsync()
    {
        var count = Enrichers.Count;
        foreach (var enricher in Enrichers.ToList())
        {
            await enricher.StopAsync();
            Enrichers.Remove(enricher);
            _retired.Add(enricher);
            await StartEnricherAsync();
        }

        Assert.Equal(count, Enrichers.Count);
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
