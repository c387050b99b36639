using System.ComponentModel.DataAnnotations;

namespace ClayBus.ServiceDefaults.Messaging;

/// <summary>The <c>RabbitMq</c> section. Besides these annotations, guest is refused outside localhost in Development (<see cref="RabbitMqCredentialsRule"/>).</summary>
public sealed class RabbitMqOptions
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

    /// <summary>
    /// The nodes of a RabbitMQ cluster as <c>host:port</c>, comma-separated (e.g. <c>rabbit-0:5672,rabbit-1:5672</c>):
    /// the client connects to the first that answers and, when its node is lost, reconnects to another. Empty for one
    /// broker at <see cref="Host"/>.
    /// </summary>
    [RegularExpression(@"^\s*$|^[A-Za-z0-9_.\-\[\]:]+(:\d{1,5})?(\s*,\s*[A-Za-z0-9_.\-\[\]:]+(:\d{1,5})?)*$", ErrorMessage = "must be a comma-separated list of host:port, e.g. 'rabbit-0:5672,rabbit-1:5672,rabbit-2:5672'")]
    public string ClusterNodes { get; set; } = "";

    /// <summary>The nodes of <see cref="ClusterNodes"/>, trimmed; empty for a single broker.</summary>
    public IReadOnlyList<string> Nodes => [.. ClusterNodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    /// <summary>amqps: TLS to the broker, with the server name checked against <see cref="Host"/>.</summary>
    public bool UseTls { get; set; }

    [Range(1, 600, ErrorMessage = "must be between 1 and 600 seconds")]
    public int StartTimeoutSeconds { get; set; } = 60;

    /// <summary>The management HTTP API (dead-letter depth, requeue).</summary>
    [Range(1, 65535, ErrorMessage = "must be a TCP port between 1 and 65535 (15672 by default)")]
    public int ManagementPort { get; set; } = 15672;

    /// <summary>
    /// The management API of each cluster node as <c>host:port</c>, comma-separated, for the consumer watchdog: any node
    /// answers for the whole cluster, so losing the node at <see cref="Host"/> does not blind it. Empty: only
    /// <see cref="Host"/>:<see cref="ManagementPort"/> (one broker, or a load balancer in front of the nodes).
    /// </summary>
    [RegularExpression(@"^\s*$|^[A-Za-z0-9_.\-\[\]:]+:\d{1,5}(\s*,\s*[A-Za-z0-9_.\-\[\]:]+:\d{1,5})*$", ErrorMessage = "must be a comma-separated list of host:port, e.g. 'rabbit-0:15672,rabbit-1:15672,rabbit-2:15672'")]
    public string ManagementNodes { get; set; } = "";

    /// <summary>The management API's base addresses: <see cref="ManagementNodes"/>, or the one at <see cref="Host"/>.</summary>
    public IReadOnlyList<Uri> ManagementApis
    {
        get
        {
            var scheme = UseTls ? "https" : "http";
            var nodes = ManagementNodes.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return nodes.Length == 0
                ? [new Uri($"{scheme}://{Host}:{ManagementPort}/api/")]
                : [.. nodes.Select(node => new Uri($"{scheme}://{node}/api/"))];
        }
    }

    /// <summary>
    /// Every endpoint's queue a quorum queue, except priority queues (see <see cref="QuorumQueuePolicy"/>). Off by
    /// default: a queue's type cannot change while it exists, so a broker that already holds classic queues keeps them
    /// until they are deleted.
    /// </summary>
    public bool QuorumQueues { get; set; }
}
