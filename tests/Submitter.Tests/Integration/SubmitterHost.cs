using System.Collections.Concurrent;
using ClayBus.Contracts.Credits;
using ClayBus.Testing;
using ClayBus.Testing.Security;
using MassTransit;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace ClayBus.Submitter.Tests.Integration;

[CollectionDefinition(Name)]
public sealed class SubmitterCollection : ICollectionFixture<SubmitterHost>
{
    public const string Name = "submitter against the real broker";
}

/// <summary>
/// The real Submitter (its <c>Program</c>) on the real RabbitMQ and Redis of one test vhost and prefix, one host per
/// admission policy, plus a stand-in for the Enricher's credit ledger that answers <see cref="GetBudgetStatus"/>.
/// </summary>
public sealed class SubmitterHost : InfrastructureFixture
{
    /// <summary>Small input limits, so that tests can cross them; the largest jobs of the other tests fit exactly or below.</summary>
    public const int MaxCsvRows = 10_000;
    public const int MaxJsonRows = 1_000;
    public const int MaxJsonBytes = 256 * 1024;

    private readonly ConcurrentDictionary<string, WebApplicationFactory<Program>> _hosts = new();

    public BrokerProbe Broker { get; private set; } = null!;

    /// <summary>A separate bus in the test vhost: the credit ledger stand-in, and a publisher of the events the Submitter consumes.</summary>
    public IBusControl Ledger { get; private set; } = null!;

    /// <summary>What the ledger stand-in answers; when <see cref="LedgerSilent"/>, it never answers.</summary>
    public decimal Remaining { get; set; } = 1_000_000_000;

    public bool LedgerSilent { get; set; }

    public int LedgerQuestions => _ledgerQuestions;

    private int _ledgerQuestions;

    protected override string Purpose => "submitter";

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Broker = await BrokerProbe.ConnectAsync(Rabbit.Name);
        System.Environment.SetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY", "false");
        Ledger = Bus.Factory.CreateUsingRabbitMq(bus =>
        {
            bus.Host(TestInfrastructure.RabbitHost, (ushort)TestInfrastructure.RabbitPort, Rabbit.Name, host =>
            {
                host.Username(TestInfrastructure.RabbitUser);
                host.Password(TestInfrastructure.RabbitPassword);
            });
            bus.ReceiveEndpoint("test-credit-ledger", endpoint => endpoint.Handler<GetBudgetStatus>(async context =>
            {
                Interlocked.Increment(ref _ledgerQuestions);
                if (!LedgerSilent)
                {
                    await context.RespondAsync(new BudgetStatus(DateOnly.FromDateTime(DateTime.UtcNow), "UTC", Remaining, 0, 0, Remaining, false, DateTimeOffset.UtcNow.AddDays(1)));
                }
            }));
        });
        await Ledger.StartAsync();
    }

    /// <summary>A Submitter host with the given admission policy, started on first use; calls carry <paramref name="key"/>.</summary>
    public HttpClient Client(string policy = "split", string key = TestKeys.Development, int? maxBufferedBatches = null, int? maxHeldBatches = null)
    {
        var client = _hosts.GetOrAdd($"{policy}/{maxBufferedBatches}/{maxHeldBatches}", _ => new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Development");
            foreach (var (name, value) in Settings.Concat(TestKeys.Settings()))
            {
                host.UseSetting(name, value);
            }

            host.UseSetting("Admission:Policy", policy);
            host.UseSetting("Admission:BudgetTimeoutSeconds", "2");
            host.UseSetting("Admission:HeldRetrySeconds", "1");
            host.UseSetting("Ingest:MaxCsvRows", MaxCsvRows.ToString(System.Globalization.CultureInfo.InvariantCulture));
            host.UseSetting("Ingest:MaxJsonRows", MaxJsonRows.ToString(System.Globalization.CultureInfo.InvariantCulture));
            host.UseSetting("Ingest:MaxJsonBytes", MaxJsonBytes.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (maxBufferedBatches is { } buffered)
            {
                host.UseSetting("Admission:MaxBufferedBatches", buffered.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (maxHeldBatches is { } held)
            {
                host.UseSetting("Admission:MaxHeldBatches", held.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        })).CreateClient();
        client.DefaultRequestHeaders.Add(TestKeys.Header, key);
        return client;
    }

    /// <summary>Empties the queues and the held list, and gives the ledger a large budget again.</summary>
    public async Task ResetAsync()
    {
        Remaining = 1_000_000_000;
        LedgerSilent = false;
        await Broker.PurgeAsync();
        await Redis.Database.KeyDeleteAsync([Redis.Prefix + "submitter:held", Redis.Prefix + "submitter:held:releasing", Redis.Prefix + "submitter:held:unanswered", Redis.Prefix + "submitter:routes", Redis.Prefix + "submitter:route-versions"]);
    }

    public override async Task DisposeAsync()
    {
        foreach (var host in _hosts.Values)
        {
            await host.DisposeAsync();
        }

        await Ledger.StopAsync();
        await Broker.DisposeAsync();
        await base.DisposeAsync();
    }
}
