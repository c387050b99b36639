using Xunit;

namespace ClayBus.Testing;

/// <summary>
/// The real RabbitMQ and Redis, isolated for one test class: its own vhost and key prefix, removed after.
/// <see cref="Settings"/> is the configuration a ClayBus host needs to use them.
/// </summary>
public class InfrastructureFixture : IAsyncLifetime
{
    public RabbitMqTestVhost Rabbit { get; protected set; } = null!;

    public RedisTestKeyspace Redis { get; protected set; } = null!;

    /// <summary>A short name for the vhost and prefix; override to tell runs apart in the management UI.</summary>
    protected virtual string Purpose => GetType().Name.Replace("Fixture", "", StringComparison.Ordinal).ToLowerInvariant();

    public virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["RabbitMq:Host"] = TestInfrastructure.RabbitHost,
        ["RabbitMq:Port"] = TestInfrastructure.RabbitPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq:ManagementPort"] = TestInfrastructure.RabbitManagementPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["RabbitMq:VirtualHost"] = Rabbit.Name,
        ["RabbitMq:Username"] = TestInfrastructure.RabbitUser,
        ["RabbitMq:Password"] = TestInfrastructure.RabbitPassword,
        ["Redis:Endpoints"] = TestInfrastructure.RedisEndpoints,
        ["Redis:KeyPrefix"] = Redis.Prefix,
    };

    /// <summary><see cref="Settings"/> as environment variables (<c>RabbitMq__Host</c>) for a child process.</summary>
    public IReadOnlyDictionary<string, string?> Environment =>
        Settings.ToDictionary(pair => pair.Key.Replace(":", "__", StringComparison.Ordinal), pair => pair.Value);

    public virtual async Task InitializeAsync()
    {
        Rabbit = await RabbitMqTestVhost.CreateAsync(Purpose);
        Redis = await RedisTestKeyspace.CreateAsync(Purpose);
    }

    public virtual async Task DisposeAsync()
    {
        // Null when InitializeAsync failed or was skipped (a cluster fixture without the cluster).
        if (Rabbit is not null)
        {
            await Rabbit.DisposeAsync();
        }

        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }
    }
}
