using ClayBus.Contracts.Credits;
using ClayBus.Testing;
using MassTransit;

namespace ClayBus.Cli.Tests.Integration;

/// <summary>
/// A real Monitor and a real Submitter, each its own process from the build output, on the real RabbitMQ and Redis
/// (a vhost and key prefix of their own), plus a stand-in for the Enricher's ledger that answers GetBudgetStatus with
/// <see cref="Ledger"/>. The Submitter's workspace rate is <see cref="RecordsPerSecond"/>, not Clay's 10.
/// </summary>
public sealed class ServicesFixture : InfrastructureFixture
{
    public const int RecordsPerSecond = 5;

    private IBusControl _ledgerBus = null!;

    public ServiceProcess Monitor { get; private set; } = null!;

    public ServiceProcess Submitter { get; private set; } = null!;

    public BudgetStatus? Ledger { get; set; }

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        var environment = new Dictionary<string, string?>(Environment)
        {
            ["Callbacks__Secrets__0"] = "cli-specs-callback-secret-0123456789",
            ["RateLimit__RecordsPerSecond"] = RecordsPerSecond.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        Monitor = ServiceProcess.Start("src/Monitor", environment, name: "monitor");
        Submitter = ServiceProcess.Start("src/Submitter", environment, name: "submitter");
        _ledgerBus = Bus.Factory.CreateUsingRabbitMq(bus =>
        {
            bus.Host(TestInfrastructure.RabbitHost, (ushort)TestInfrastructure.RabbitPort, Rabbit.Name, h =>
            {
                h.Username(TestInfrastructure.RabbitUser);
                h.Password(TestInfrastructure.RabbitPassword);
            });
            bus.ReceiveEndpoint("cli-specs-ledger", endpoint => endpoint.Handler<GetBudgetStatus>(async context =>
            {
                if (Ledger is { } ledger)
                {
                    await context.RespondAsync(ledger);
                }
            }));
        });
        await _ledgerBus.StartAsync();
        await Monitor.WaitReadyAsync();
        await Submitter.WaitReadyAsync();
    }

    public override async Task DisposeAsync()
    {
        await _ledgerBus.StopAsync();
        await Monitor.DisposeAsync();
        await Submitter.DisposeAsync();
        await base.DisposeAsync();
    }
}
