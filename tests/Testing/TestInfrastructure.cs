namespace ClayBus.Testing;

/// <summary>
/// Where the test RabbitMQ and Redis are, as <c>scripts/infra.sh up</c> leaves them. Overridable by environment
/// variables, so the same suites run against other servers.
/// </summary>
public static class TestInfrastructure
{
    public static string RabbitHost => Env("CLAYBUS_RABBITMQ_HOST", "localhost");

    public static int RabbitPort => int.Parse(Env("CLAYBUS_RABBITMQ_PORT", "5672"), System.Globalization.CultureInfo.InvariantCulture);

    public static int RabbitManagementPort => int.Parse(Env("CLAYBUS_RABBITMQ_MANAGEMENT_PORT", "15672"), System.Globalization.CultureInfo.InvariantCulture);

    public static string RabbitUser => Env("CLAYBUS_RABBITMQ_USER", "claybus");

    public static string RabbitPassword => Env("CLAYBUS_RABBITMQ_PASSWORD", "dev-only-claybus-password");

    public static string RedisEndpoints => Env("CLAYBUS_REDIS_ENDPOINTS", "localhost:6379");

    private static string Env(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
