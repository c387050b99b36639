using System.Collections.Concurrent;
using System.Net.Http.Json;
using ClayBus.Contracts.Credits;
using ClayBus.Contracts.Tracking;
using ClayBus.Testing;
using ClayBus.Testing.Security;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace ClayBus.Monitor.Tests.Status;

/// <summary>
/// A Monitor listening on a real port (so a real browser can load the dashboard) over the real RabbitMQ and Redis,
/// plus a stand-in for the Enricher's ledger on a bus of its own: it answers GetBudgetStatus with <see cref="Ledger"/>
/// (or stays silent when null) and records what the Monitor sends and publishes.
/// </summary>
public sealed class MonitorFixture : InfrastructureFixture
{
    private WebApplicationFactory<Program> _factory = null!;

    public IBusControl Enricher { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public Uri BaseAddress { get; private set; } = null!;

    public IServiceProvider Services => _factory.Services;

    public BudgetStatus? Ledger { get; set; }

    public ConcurrentQueue<ChangeBudgetLimit> LimitChanges { get; } = new();

    public ConcurrentQueue<ReleaseTableHold> HoldReleases { get; } = new();

    public ConcurrentQueue<TableRouteChanged> RouteChanges { get; } = new();

    public ConcurrentQueue<object> ProviderEvents { get; } = new();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        System.Environment.SetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY", "false");
        var port = ServiceProcess.FreePort();
        _factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Development");
            foreach (var (key, value) in Settings.Concat(MonitorSettings))
            {
                host.UseSetting(key, value);
            }
        });
        _factory.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
        _factory.StartServer();
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
        Client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Add(TestKeys.Header, TestKeys.Development);

        Enricher = Bus.Factory.CreateUsingRabbitMq(bus =>
        {
            bus.Host(TestInfrastructure.RabbitHost, (ushort)TestInfrastructure.RabbitPort, Rabbit.Name, h =>
            {
                h.Username(TestInfrastructure.RabbitUser);
                h.Password(TestInfrastructure.RabbitPassword);
            });
            bus.ReceiveEndpoint("test-ledger", endpoint =>
            {
                endpoint.Handler<GetBudgetStatus>(async context =>
                {
                    if (Ledger is { } ledger)
                    {
                        await context.RespondAsync(ledger);
                    }
                });
                endpoint.Handler<ChangeBudgetLimit>(context =>
                {
                    LimitChanges.Enqueue(context.Message);
                    return Task.CompletedTask;
                });
                endpoint.Handler<ReleaseTableHold>(context =>
                {
                    HoldReleases.Enqueue(context.Message);
                    return Task.CompletedTask;
                });
            });
            bus.ReceiveEndpoint("test-routing", endpoint =>
            {
                endpoint.Handler<TableRouteChanged>(context =>
                {
                    RouteChanges.Enqueue(context.Message);
                    return Task.CompletedTask;
                });
                endpoint.Handler<ProviderDegraded>(context =>
                {
                    ProviderEvents.Enqueue(context.Message);
                    return Task.CompletedTask;
                });
                endpoint.Handler<ProviderRecovered>(context =>
                {
                    ProviderEvents.Enqueue(context.Message);
                    return Task.CompletedTask;
                });
            });
        });
        await Enricher.StartAsync();
    }

    /// <summary>Also one API key per role (<see cref="TestKeys"/>), besides the development key with every role.</summary>
    public static IReadOnlyDictionary<string, string?> MonitorSettings => TestKeys.Settings(extra: new Dictionary<string, string?>
    {
        ["Budget:StoreTimeoutMilliseconds"] = "700",
        ["Budget:SampleIntervalSeconds"] = "1",
        ["ProviderHealth:WindowSize"] = "20",
        ["ProviderHealth:MinimumSamples"] = "10",
        ["ProviderHealth:ProbeShare"] = "0.05",
        ["ProviderHealth:RouteAnnounceSeconds"] = "1",
        ["Tables:outbound-leads-tech:Variants:apollo"] = "outbound-leads-tech-no-apollo",
    });

    /// <summary>
    /// Puts messages carrying MassTransit's fault headers into <c>{queue}_error</c>, as a failed consumer would, and
    /// (unless <paramref name="indexed"/> is false) indexes each as its <c>Fault&lt;T&gt;</c> would.
    /// </summary>
    public async Task DeadLetterAsync(string queue, string exceptionType, string message, int count, bool indexed = true)
    {
        if (indexed)
        {
            var index = Services.GetRequiredService<ClayBus.Monitor.Status.DeadLetterIndexStore>();
            for (var i = 0; i < count; i++)
            {
                await index.RecordAsync(new ClayBus.Monitor.Status.DeadLetterFault(
                    Guid.NewGuid(), queue + "_error", exceptionType, ClayBus.Monitor.Status.FaultCause.Of(message), DateTimeOffset.UtcNow, null, null, null));
            }
        }

        var errorQueue = Uri.EscapeDataString(queue + "_error");
        (await Rabbit.Management.PutAsJsonAsync($"queues/{Rabbit.EscapedName}/{errorQueue}", new { durable = true })).EnsureSuccessStatusCode();
        for (var i = 0; i < count; i++)
        {
            var body = new
            {
                properties = new
                {
                    message_id = Guid.NewGuid().ToString(),
                    headers = new Dictionary<string, string>
                    {
                        ["MT-Fault-ExceptionType"] = exceptionType,
                        ["MT-Fault-Message"] = message,
                        ["MT-Reason"] = "fault",
                        ["MT-Fault-Timestamp"] = DateTimeOffset.UtcNow.ToString("O"),
                    },
                },
                routing_key = queue + "_error",
                payload = "{}",
                payload_encoding = "string",
            };
            var response = await Rabbit.Management.PostAsJsonAsync($"exchanges/{Rabbit.EscapedName}/amq.default/publish", body);
            response.EnsureSuccessStatusCode();
        }
    }

    public override async Task DisposeAsync()
    {
        Client?.Dispose();
        if (Enricher is not null)
        {
            await Enricher.StopAsync();
        }

        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await base.DisposeAsync();
    }
}
