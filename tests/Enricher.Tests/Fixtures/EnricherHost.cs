using System.Text.Json;
using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace ClayBus.Enricher.Tests.Fixtures;

/// <summary>An Enricher host in this test process, with configuration the test can change while it runs.</summary>
public sealed class EnricherHost : IAsyncDisposable
{
    private readonly WebApplicationFactory<Program> _factory;

    private EnricherHost(WebApplicationFactory<Program> factory, ReloadableSettings settings)
    {
        _factory = factory;
        Settings = settings;
    }

    public ReloadableSettings Settings { get; }

    public IServiceProvider Services => _factory.Services;

    public HttpClient Http { get; private set; } = null!;

    /// <summary>Starts a host (bus ready, queues declared) with the fixture's infrastructure plus <paramref name="settings"/>.</summary>
    /// <param name="services">Replacements applied after the Enricher's own registrations (e.g. a scripted Clay handler).</param>
    public static EnricherHost Start(InfrastructureFixture infrastructure, IReadOnlyDictionary<string, string?> settings, Action<IServiceCollection>? services = null)
    {
        var reloadable = new ReloadableSettings();
        var defaults = new Dictionary<string, string?>
        {
            ["ClayBus:Logging:MinimumLevel"] = "Warning",
            ["Clay:RetryBaseDelayMilliseconds"] = "100",
            ["Delivery:RetryMinIntervalMilliseconds"] = "50",
            ["Delivery:RetryMaxIntervalMilliseconds"] = "200",
            ["Delivery:PauseProbeSeconds"] = "1",
            ["Delivery:ClayCoolDownSeconds"] = "3",
            ["Parking:RecheckSeconds"] = "1",
            ["Delivery:WebhookRecheckSeconds"] = "1",
            ["Delivery:AmbiguousSendDeadlineSeconds"] = "2",
            ["RateLimit:RecordsPerSecond"] = "200",
            ["RateLimit:Burst"] = "20",
            ["RateLimit:IncreasePerSecond"] = "50",
        };
        reloadable.Set(infrastructure.Settings.Concat(defaults).Concat(settings).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value));
        var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Development");
            host.ConfigureAppConfiguration((_, configuration) => configuration.Add(reloadable));
            if (services is not null)
            {
                host.ConfigureTestServices(services);
            }
        });
        var started = new EnricherHost(factory, reloadable);
        started.Http = factory.CreateClient();
        return started;
    }

    /// <param name="pricePerRow">The table's price list: one provider at this price, so a row reserves it (and 2 Actions).</param>
    public static Dictionary<string, string?> Webhooks(string table, IEnumerable<SimWebhook> hooks, bool autoDelete = false, decimal pricePerRow = 6)
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Tables:{table}:AutoDelete"] = autoDelete ? "true" : "false",
            [$"Tables:{table}:Prices:Providers:sim"] = pricePerRow.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        var i = 0;
        foreach (var hook in hooks)
        {
            settings[$"Tables:{table}:Webhooks:{i}:Url"] = hook.Url;
            settings[$"Tables:{table}:Webhooks:{i}:Token"] = hook.Token;
            i++;
        }

        return settings;
    }

    public static DeliverBatch Batch(string table, int rows, decimal creditsPerRow = 6, Guid? jobId = null, JobPriority priority = JobPriority.Normal)
    {
        var job = jobId ?? Guid.NewGuid();
        return new DeliverBatch(
            job,
            Guid.NewGuid(),
            table,
            priority,
            [.. Enumerable.Range(0, rows).Select(i => new BatchRow(
                $"{job:N}-{i}",
                i + 1,
                new Dictionary<string, JsonElement> { ["email"] = JsonSerializer.SerializeToElement($"lead{i}@example.com") }))],
            rows * creditsPerRow,
            DateTimeOffset.UtcNow);
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _factory.DisposeAsync();
    }
}
