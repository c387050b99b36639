using ClayBus.ServiceDefaults.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace ClayBus.ServiceDefaults.Messaging;

/// <summary>
/// guest/guest is RabbitMQ's well-known default account: acceptable for a broker on the developer's own machine, never
/// for one that other machines reach nor for a deployment, whatever its host.
/// </summary>
internal sealed class RabbitMqCredentialsRule(IHostEnvironment environment) : IValidateOptions<RabbitMqOptions>
{
    public ValidateOptionsResult Validate(string? name, RabbitMqOptions options)
    {
        if (!string.Equals(options.Username, "guest", StringComparison.OrdinalIgnoreCase)
            || (LoopbackHost.Is(options.Host) && environment.IsDevelopment()))
        {
            return ValidateOptionsResult.Success;
        }

        return ValidateOptionsResult.Fail(
            $"{RabbitMqOptions.Section}:{nameof(RabbitMqOptions.Username)}: guest is allowed only on localhost in Development " +
            $"(here host '{options.Host}', environment '{environment.EnvironmentName}'): create a user for ClayBus " +
            $"(scripts/infra.sh does; on Kubernetes the claybus-rabbitmq Secret) and set {RabbitMqOptions.Section}:{nameof(RabbitMqOptions.Username)} " +
            $"and {RabbitMqOptions.Section}:{nameof(RabbitMqOptions.Password)}");
    }
}
