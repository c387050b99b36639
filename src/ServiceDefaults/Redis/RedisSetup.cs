using ClayBus.ServiceDefaults.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ClayBus.ServiceDefaults.Redis;

public static class RedisSetup
{
    /// <summary>One <see cref="IConnectionMultiplexer"/> per process from the <c>Redis</c> section, plus its readiness check.</summary>
    public static IHostApplicationBuilder AddClayBusRedis(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<RedisOptions>(RedisOptions.Section);
        builder.Services.AddSingleton<IConnectionMultiplexer>(provider =>
            ConnectionMultiplexer.Connect(ToConfiguration(provider.GetRequiredService<IOptions<RedisOptions>>().Value)));
        builder.Services.AddSingleton<RedisKeyspace>();
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", tags: ["ready"]);
        return builder;
    }

    public static ConfigurationOptions ToConfiguration(RedisOptions options)
    {
        var configuration = ConfigurationOptions.Parse(options.Endpoints);
        configuration.Password = string.IsNullOrEmpty(options.Password) ? configuration.Password : options.Password;
        configuration.Ssl = options.UseTls || configuration.Ssl;
        // Start even while Redis is away: readiness says so, and features fail closed until it is back.
        configuration.AbortOnConnectFail = false;
        configuration.ConnectTimeout = 5_000;
        configuration.ClientName = "claybus";
        if (!string.IsNullOrEmpty(options.SentinelServiceName))
        {
            // The endpoints are Sentinels: the multiplexer asks them for the primary and follows a failover.
            configuration.ServiceName = options.SentinelServiceName;
        }

        return configuration;
    }
}
