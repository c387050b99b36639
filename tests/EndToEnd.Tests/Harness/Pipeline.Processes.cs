using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.Testing;

namespace ClayBus.EndToEnd.Tests.Harness;

/// <summary>Starting, supervising, killing and restarting the processes of a <see cref="Pipeline"/>.</summary>
public sealed partial class Pipeline
{
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
}
