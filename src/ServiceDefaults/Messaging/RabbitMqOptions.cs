using System.ComponentModel.DataAnnotations;

namespace ClayBus.ServiceDefaults.Messaging;

public sealed class RabbitMqOptions : IValidatableObject
{
    public const string Section = "RabbitMq";

    [Required(ErrorMessage = "is required: the broker's host name")]
    public string Host { get; set; } = "localhost";

    [Range(1, 65535, ErrorMessage = "must be a TCP port between 1 and 65535 (5672 for amqp, 5671 for amqps)")]
    public int Port { get; set; } = 5672;

    [Required(ErrorMessage = "is required: the virtual host ClayBus uses, e.g. 'claybus'")]
    public string VirtualHost { get; set; } = "claybus";

    [Required(ErrorMessage = "is required: ClayBus never connects without credentials")]
    public string Username { get; set; } = "";

    [Required(ErrorMessage = "is required: set it from a secret (environment RabbitMq__Password or a secret file)")]
    public string Password { get; set; } = "";

    /// <summary>amqps: TLS to the broker, with the server name checked against <see cref="Host"/>.</summary>
    public bool UseTls { get; set; }

    [Range(1, 600, ErrorMessage = "must be between 1 and 600 seconds")]
    public int StartTimeoutSeconds { get; set; } = 60;

    /// <summary>The management HTTP API (dead-letter depth, requeue).</summary>
    [Range(1, 65535, ErrorMessage = "must be a TCP port between 1 and 65535 (15672 by default)")]
    public int ManagementPort { get; set; } = 15672;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var local = Host is "localhost" or "127.0.0.1" or "::1";
        if (string.Equals(Username, "guest", StringComparison.OrdinalIgnoreCase) && !local)
        {
            yield return new ValidationResult(
                "guest is allowed only on localhost: create a user for ClayBus (scripts/infra.sh does)",
                [nameof(Username)]);
        }
    }
}
