using System.ComponentModel.DataAnnotations;

namespace ClayBus.ServiceDefaults.Redis;

public sealed class RedisOptions
{
    public const string Section = "Redis";

    /// <summary>StackExchange.Redis endpoints, e.g. <c>localhost:6379</c> or <c>redis-0:6379,redis-1:6379</c>.</summary>
    [Required(ErrorMessage = "is required: Redis endpoints such as 'localhost:6379'")]
    public string Endpoints { get; set; } = "localhost:6379";

    /// <summary>From a secret (environment <c>Redis__Password</c> or a secret file); empty only for a local development Redis.</summary>
    public string? Password { get; set; }

    /// <summary>rediss: TLS to Redis.</summary>
    public bool UseTls { get; set; }

    [Range(0, 15, ErrorMessage = "must be a Redis database number between 0 and 15")]
    public int Database { get; set; }

    /// <summary>Prefixed to every key ClayBus writes, so several deployments (or test runs) share one Redis.</summary>
    [Required(ErrorMessage = "is required, e.g. 'claybus:'")]
    [RegularExpression("^[A-Za-z0-9_.:-]{1,64}$", ErrorMessage = "must be 1-64 characters of letters, digits and _ . : -")]
    public string KeyPrefix { get; set; } = "claybus:";
}
