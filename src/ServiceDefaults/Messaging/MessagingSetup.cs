using ClayBus.ServiceDefaults.Configuration;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClayBus.ServiceDefaults.Messaging;

public static class MessagingSetup
{
    /// <summary>
    /// MassTransit on RabbitMQ from the <c>RabbitMq</c> section, with the settings every ClayBus process needs:
    /// kebab-case endpoint names, publisher confirms, no usage telemetry, and a host that reports started only once
    /// its exchanges and queues exist (so an outside publisher never meets a missing exchange). With
    /// <c>RabbitMq:QuorumQueues</c>, every endpoint's queue is a quorum queue except priority queues (<see cref="QuorumQueuePolicy"/>).
    /// </summary>
    public static IHostApplicationBuilder AddClayBusMessaging(
        this IHostApplicationBuilder builder,
        Action<IBusRegistrationConfigurator> configure,
        Action<IBusRegistrationContext, IRabbitMqBusFactoryConfigurator>? configureBus = null)
    {
        // MassTransit 8.5 otherwise calls an outside host about 5 minutes after start.
        Environment.SetEnvironmentVariable("MASSTRANSIT_USAGE_TELEMETRY", "false");
        builder.Services.AddValidatedOptions<RabbitMqOptions>(RabbitMqOptions.Section);
        builder.Services.AddSingleton<IValidateOptions<RabbitMqOptions>>(new RabbitMqCredentialsRule(builder.Environment));
        // Unique per process, so the management API tells this process's consumers from another instance's.
        var identity = new ConsumerWatchdogIdentity($"{builder.Environment.ApplicationName}-{Environment.MachineName}-{Environment.ProcessId}");
        builder.Services.AddSingleton(identity);
        builder.Services.AddOptions<MassTransitHostOptions>().Configure<IOptions<RabbitMqOptions>>((host, rabbit) =>
        {
            host.WaitUntilStarted = true;
            host.StartTimeout = TimeSpan.FromSeconds(rabbit.Value.StartTimeoutSeconds);
            host.StopTimeout = TimeSpan.FromSeconds(30);
        });

        // Readiness is BusReadiness; MassTransit's own check stays registered, tagged "masstransit" only.
        builder.Services.AddSingleton<BusEndpointFaults>();
        builder.Services.AddReceiveEndpointObserver(provider => provider.GetRequiredService<BusEndpointFaults>());
        builder.Services.AddHealthChecks().AddCheck<BusReadiness>(BusReadiness.Name, tags: ["ready"]);
        builder.Services.AddMassTransit(bus =>
        {
            bus.DisableUsageTelemetry();
            bus.ConfigureHealthCheckOptions(health => health.Tags.Add("masstransit"));
            bus.SetKebabCaseEndpointNameFormatter();
            configure(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                var options = context.GetRequiredService<IOptions<RabbitMqOptions>>().Value;
                rabbit.Host(options.Host, (ushort)options.Port, options.VirtualHost, host =>
                {
                    host.Username(options.Username);
                    host.Password(options.Password);
                    host.PublisherConfirmation = true;
                    host.ConnectionName(identity.ConnectionName);
                    if (options.Nodes.Count > 0)
                    {
                        // Connection recovery walks the list, so losing the node we are on costs a reconnect, not a restart.
                        host.UseCluster(cluster =>
                        {
                            foreach (var node in options.Nodes)
                            {
                                cluster.Node(node);
                            }
                        });
                    }

                    if (options.UseTls)
                    {
                        host.UseSsl(tls => tls.ServerName = options.Host);
                    }
                });
                // Indented envelopes are ~15% larger on the wire for nobody's benefit.
                rabbit.ConfigureJsonSerializerOptions(json =>
                {
                    json.WriteIndented = false;
                    return json;
                });
                rabbit.UseRedisOutageRetry();
                if (options.QuorumQueues)
                {
                    rabbit.ConnectEndpointConfigurationObserver(new QuorumQueuePolicy());
                }

                configureBus?.Invoke(context, rabbit);
                rabbit.ConfigureEndpoints(context);
            });
        });
        return builder;
    }

    /// <summary>
    /// Ends the process (exit code 75, for its supervisor to restart it) when a queue it consumed from keeps no consumer
    /// of it (see <see cref="ConsumerWatchdog"/>). Not for a service that stops its own endpoints on purpose.
    /// </summary>
    public static IHostApplicationBuilder AddConsumerWatchdog(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<ConsumerWatchdogOptions>(ConsumerWatchdogOptions.Section);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<IStalledProcessExit, StalledProcessExit>();
        builder.Services.AddHostedService<ConsumerWatchdog>();
        return builder;
    }
}
