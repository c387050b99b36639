namespace ClayBus.Testing;

/// <summary>
/// Where the test RabbitMQ and Redis are, as <c>scripts/infra.sh up</c> leaves them. Overridable by environment
/// variables, so the same suites run against other servers. In the fast lane (<c>scripts/test.sh --fast</c> sets
/// <c>CLAYBUS_TEST_LANE=fast</c>) nothing runs: asking for either fails at once, naming the trait the test lacks.
/// </summary>
public static class TestInfrastructure
{
    /// <summary>The trait that keeps a test class out of the fast lane.</summary>
    public const string IntegrationTrait = "[Trait(\"Category\", \"Integration\")]";

    public static string RabbitHost => Needs("RabbitMQ", Env("CLAYBUS_RABBITMQ_HOST", "localhost"));

    public static int RabbitPort => int.Parse(Needs("RabbitMQ", Env("CLAYBUS_RABBITMQ_PORT", "5672")), System.Globalization.CultureInfo.InvariantCulture);

    public static int RabbitManagementPort => int.Parse(Needs("RabbitMQ", Env("CLAYBUS_RABBITMQ_MANAGEMENT_PORT", "15672")), System.Globalization.CultureInfo.InvariantCulture);

    public static string RabbitUser => Needs("RabbitMQ", Env("CLAYBUS_RABBITMQ_USER", "claybus"));

    public static string RabbitPassword => Needs("RabbitMQ", Env("CLAYBUS_RABBITMQ_PASSWORD", "dev-only-claybus-password"));

    public static string RedisEndpoints => Needs("Redis", Env("CLAYBUS_REDIS_ENDPOINTS", "localhost:6379"));

    /// <summary>True in the fast lane, where no broker, Redis or service process may be used.</summary>
    public static bool IsFastLane => string.Equals(Environment.GetEnvironmentVariable("CLAYBUS_TEST_LANE"), "fast", StringComparison.OrdinalIgnoreCase);

    /// <summary>Fails in the fast lane: an unmarked test would otherwise hang or fail on a connection far from its cause.</summary>
    public static T Needs<T>(string what, T value) => IsFastLane
        ? throw new InvalidOperationException(
            $"This test needs {what}, but the fast lane (CLAYBUS_TEST_LANE=fast, scripts/test.sh --fast) runs without it: " +
            $"mark its test class {IntegrationTrait}.")
        : value;

    private static string Env(string name, string fallback) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value ? value : fallback;
}
