using System.ComponentModel.DataAnnotations;
using System.Net;
using System.Net.Sockets;
using ClayBus.ServiceDefaults.Configuration;
using StackExchange.Redis;

namespace ClayBus.ServiceDefaults.Redis;

public sealed class RedisOptions : IValidatableObject
{
    public const string Section = "Redis";

    /// <summary>StackExchange.Redis endpoints, e.g. <c>localhost:6379</c> or <c>redis-0:6379,redis-1:6379</c>.</summary>
    [Required(ErrorMessage = "is required: Redis endpoints such as 'localhost:6379'")]
    public string Endpoints { get; set; } = "localhost:6379";

    /// <summary>
    /// From a secret (environment <c>Redis__Password</c> or a secret file), or <c>password=…</c> in
    /// <see cref="Endpoints"/>. Required unless every endpoint is on localhost (a development Redis).
    /// </summary>
    public string? Password { get; set; }

    /// <summary>
    /// The Sentinel service name of a replicated Redis (e.g. <c>claybus</c>): <see cref="Endpoints"/> then lists the
    /// Sentinels, and the client follows whichever primary they name, across a failover. Empty for a plain Redis.
    /// </summary>
    [RegularExpression("^[A-Za-z0-9_.-]{0,64}$", ErrorMessage = "must be the Sentinels' service name (letters, digits, _ . -), or empty for a Redis without Sentinel")]
    public string SentinelServiceName { get; set; } = "";

    /// <summary>
    /// Replicas that must acknowledge a write that guards money or duplicates (a reservation, a row claim, a webhook
    /// count) before ClayBus sends to Clay; 0 with a single Redis. See docs/operations.md, "Production topology".
    /// </summary>
    [Range(0, 5, ErrorMessage = "must be between 0 and 5 replicas (1 with a primary and two replicas)")]
    public int ReplicasToAcknowledge { get; set; }

    /// <summary>How long a guarded write waits for <see cref="ReplicasToAcknowledge"/> before the delivery waits and retries.</summary>
    [Range(10, 10_000, ErrorMessage = "must be between 10 and 10000 milliseconds")]
    public int ReplicaAcknowledgeTimeoutMs { get; set; } = 500;

    /// <summary>rediss: TLS to Redis.</summary>
    public bool UseTls { get; set; }

    [Range(0, 15, ErrorMessage = "must be a Redis database number between 0 and 15")]
    public int Database { get; set; }

    /// <summary>Prefixed to every key ClayBus writes, so several deployments (or test runs) share one Redis.</summary>
    [Required(ErrorMessage = "is required, e.g. 'claybus:'")]
    [RegularExpression("^[A-Za-z0-9_.:-]{1,64}$", ErrorMessage = "must be 1-64 characters of letters, digits and _ . : -")]
    public string KeyPrefix { get; set; } = "claybus:";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (string.IsNullOrWhiteSpace(Endpoints))
        {
            return [];
        }

        ConfigurationOptions parsed;
        try
        {
            parsed = ConfigurationOptions.Parse(Endpoints);
        }
        catch (ArgumentException)
        {
            // The value is not repeated: it may hold a password.
            return [new ValidationResult("could not be read as StackExchange.Redis endpoints, e.g. 'redis:6379' or 'redis-0:6379,redis-1:6379'", [nameof(Endpoints)])];
        }

        var remote = parsed.EndPoints.Select(RemoteHost).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (!string.IsNullOrEmpty(Password) || !string.IsNullOrEmpty(parsed.Password) || remote.Count == 0)
        {
            return [];
        }

        return
        [
            new ValidationResult(
                $"is required for a Redis that is not on localhost ({string.Join(", ", remote)}): ClayBus never connects to one without " +
                $"credentials. Set {Section}:{nameof(Password)} from a secret (environment Redis__Password or a secret file), or add " +
                $"password=… to {Section}:{nameof(Endpoints)}",
                [nameof(Password)]),
        ];
    }

    private static string? RemoteHost(EndPoint endpoint) => endpoint switch
    {
        DnsEndPoint dns when !LoopbackHost.Is(dns.Host) => dns.Host,
        IPEndPoint ip when !IPAddress.IsLoopback(ip.Address) => ip.Address.ToString(),
        UnixDomainSocketEndPoint => null,
        DnsEndPoint or IPEndPoint => null,
        _ => endpoint.ToString(),
    };
}
