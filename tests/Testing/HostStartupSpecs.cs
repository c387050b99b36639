using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace ClayBus.Testing;

/// <summary>
/// What every ClayBus host must do at start: come up ready with valid configuration against the real RabbitMQ and
/// Redis, and refuse a bad setting with a message that names its key. A host's test project derives from this.
/// </summary>
public abstract class HostStartupSpecs<TProgram> : IClassFixture<InfrastructureFixture>
    where TProgram : class
{
    private readonly InfrastructureFixture _infrastructure;

    protected HostStartupSpecs(InfrastructureFixture infrastructure) => _infrastructure = infrastructure;

    /// <summary>Settings the host needs beyond RabbitMQ and Redis (e.g. tables, webhooks).</summary>
    protected virtual IReadOnlyDictionary<string, string?> ExtraSettings => new Dictionary<string, string?>();

    [Fact]
    public async Task Should_start_ready_with_valid_configuration()
    {
        await using var factory = Create(new Dictionary<string, string?>());
        using var client = factory.CreateClient();

        var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative));
        var ready = await Eventually.Value(
            () => client.GetAsync(new Uri("/health/ready", UriKind.Relative)),
            response => response.StatusCode == HttpStatusCode.OK,
            TimeSpan.FromSeconds(30),
            "the host to report ready");

        var checks = await ready.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        Assert.Contains("\"redis\":{\"status\":\"Healthy\"", checks, StringComparison.Ordinal);
        Assert.Contains("\"bus\":{\"status\":\"Healthy\"", checks, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("RabbitMq:Port", "0")]
    [InlineData("RabbitMq:Password", "")]
    [InlineData("Redis:KeyPrefix", "has spaces")]
    [InlineData("ClayBus:Logging:Format", "xml")]
    public async Task Should_refuse_to_start_naming_the_bad_key(string key, string value)
    {
        await using var factory = Create(new Dictionary<string, string?> { [key] = value });

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(key, Flatten(failure), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_guest_outside_localhost()
    {
        await using var factory = Create(new Dictionary<string, string?> { ["RabbitMq:Host"] = "rabbit.example.internal", ["RabbitMq:Username"] = "guest" });

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("RabbitMq:Username: guest is allowed only on localhost", Flatten(failure), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_guest_on_localhost_outside_Development()
    {
        await using var factory = Create(new Dictionary<string, string?> { ["RabbitMq:Host"] = "localhost", ["RabbitMq:Username"] = "guest" }, "Production");

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("RabbitMq:Username: guest is allowed only on localhost in Development", Flatten(failure), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_a_Redis_that_is_not_on_localhost_without_a_password()
    {
        await using var factory = Create(new Dictionary<string, string?> { ["Redis:Endpoints"] = "redis.example.internal:6379", ["Redis:Password"] = "" });

        var failure = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Redis:Password: is required for a Redis that is not on localhost", Flatten(failure), StringComparison.Ordinal);
    }

    protected WebApplicationFactory<TProgram> Create(IReadOnlyDictionary<string, string?> overrides, string environment = "Development") =>
        new WebApplicationFactory<TProgram>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment(environment);
            foreach (var (key, value) in _infrastructure.Settings.Concat(ExtraSettings).Concat(overrides))
            {
                host.UseSetting(key, value);
            }
        });

    private static string Flatten(Exception exception) =>
        exception is AggregateException aggregate
            ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(Flatten))
            : exception.Message + (exception.InnerException is null ? "" : " | " + Flatten(exception.InnerException));
}
