using ClayBus.ServiceDefaults.Messaging;
using ClayBus.ServiceDefaults.Redis;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClayBus.ServiceDefaults.Tests.Secrets;

/// <summary>RabbitMQ and Redis always need credentials; guest, and Redis without a password, only on localhost (guest in Development only).</summary>
public sealed class ServerCredentialsSpecs
{
    [Theory]
    [InlineData("localhost", "Development")]
    [InlineData("127.0.0.1", "Development")]
    [InlineData("::1", "Development")]
    public void Should_accept_guest_on_localhost_in_Development(string host, string environment)
    {
        var options = Rabbit(environment, host, "guest");

        Assert.Equal("guest", options.Username);
    }

    [Theory]
    [InlineData("localhost", "Production")]
    [InlineData("localhost", "Staging")]
    [InlineData("rabbit.example.internal", "Development")]
    [InlineData("rabbit.example.internal", "Production")]
    [InlineData("10.0.0.7", "Development")]
    public void Should_refuse_guest_anywhere_else_naming_the_key_and_the_fix(string host, string environment)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Rabbit(environment, host, "Guest"));

        var message = Assert.Single(failure.Failures);
        Assert.StartsWith("RabbitMq:Username: guest is allowed only on localhost in Development", message, StringComparison.Ordinal);
        Assert.Contains($"host '{host}', environment '{environment}'", message, StringComparison.Ordinal);
        Assert.Contains("create a user for ClayBus", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_accept_a_named_user_on_a_remote_broker_in_Production()
    {
        var options = Rabbit("Production", "rabbit.example.internal", "claybus");

        Assert.Equal("claybus", options.Username);
    }

    [Theory]
    [InlineData("localhost:6379", null)]
    [InlineData("127.0.0.1:6379", null)]
    [InlineData("[::1]:6379", null)]
    [InlineData("localhost:6379,localhost:6380", null)]
    [InlineData("redis.example.internal:6379", "from-a-secret")]
    [InlineData("redis.example.internal:6379,password=from-a-secret", null)]
    public void Should_accept_Redis_on_localhost_without_a_password_and_anywhere_with_one(string endpoints, string? password)
    {
        var options = Redis(endpoints, password);

        Assert.Equal(endpoints, options.Endpoints);
    }

    [Theory]
    [InlineData("redis.example.internal:6379", "redis.example.internal")]
    [InlineData("localhost:6379,redis-1:6379", "redis-1")]
    [InlineData("10.0.0.8:6379", "10.0.0.8")]
    public void Should_refuse_a_remote_Redis_without_a_password_naming_the_key_and_the_fix(string endpoints, string remote)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Redis(endpoints, password: null));

        var message = Assert.Single(failure.Failures);
        Assert.StartsWith($"Redis:Password: is required for a Redis that is not on localhost ({remote})", message, StringComparison.Ordinal);
        Assert.Contains("environment Redis__Password", message, StringComparison.Ordinal);
        Assert.Contains("password=… to Redis:Endpoints", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("from-a-secret")]
    public void Should_refuse_endpoints_it_cannot_read_without_repeating_them(string? password)
    {
        var failure = Assert.Throws<OptionsValidationException>(() => Redis("redis:6379,password=not-for-logs,nosuchoption=1", password));

        var message = Assert.Single(failure.Failures);
        Assert.StartsWith("Redis:Endpoints: could not be read", message, StringComparison.Ordinal);
        Assert.DoesNotContain("not-for-logs", message, StringComparison.Ordinal);
    }

    private static RabbitMqOptions Rabbit(string environment, string host, string username)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = environment });
        builder.Configuration["RabbitMq:Host"] = host;
        builder.Configuration["RabbitMq:Username"] = username;
        builder.Configuration["RabbitMq:Password"] = "dev-only-password";
        builder.AddClayBusMessaging(_ => { });
        using var built = builder.Build();
        return built.Services.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
    }

    private static RedisOptions Redis(string endpoints, string? password)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration["Redis:Endpoints"] = endpoints;
        builder.Configuration["Redis:Password"] = password;
        builder.AddClayBusRedis();
        using var host = builder.Build();
        return host.Services.GetRequiredService<IOptions<RedisOptions>>().Value;
    }
}
