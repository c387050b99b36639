using System.ComponentModel.DataAnnotations;

namespace ClayBus.ServiceDefaults.Security;

/// <summary>
/// Section <c>Security</c>: the API keys this service accepts, by name (one per upstream system or operator). Only a
/// key's SHA-256 is configured; the key itself stays with its owner. No keys: every protected request gets 401.
/// </summary>
public sealed class SecurityOptions : IValidatableObject
{
    public const string Section = "Security";

    public const string HashPrefix = "sha256:";

    public Dictionary<string, ApiKeyOptions> ApiKeys { get; set; } = new(StringComparer.Ordinal);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, key) in ApiKeys)
        {
            var path = $"{nameof(ApiKeys)}:{name}";
            if (name.Length > 100 || name.Any(char.IsControl))
            {
                yield return new ValidationResult("a key name must be at most 100 printable characters: it is shown in the audit log", [path]);
            }

            if (!IsHash(key.Hash))
            {
                yield return new ValidationResult(
                    $"must be '{HashPrefix}' and 64 lower-case hex digits, the SHA-256 of the key (printf %s \"$KEY\" | sha256sum; scripts/new-api-key.sh makes a key and its line)",
                    [$"{path}:{nameof(ApiKeyOptions.Hash)}"]);
            }

            if (key.Roles.Count == 0 || key.Roles.Any(role => !ApiRoles.All.Contains(role)))
            {
                yield return new ValidationResult(
                    $"must list one or more of {string.Join(", ", ApiRoles.All)} (found: {string.Join(", ", key.Roles)})",
                    [$"{path}:{nameof(ApiKeyOptions.Roles)}"]);
            }

            if (key.PermitsPerMinute is < 1 or > 1_000_000)
            {
                yield return new ValidationResult("must be between 1 and 1000000 requests a minute", [$"{path}:{nameof(ApiKeyOptions.PermitsPerMinute)}"]);
            }
        }
    }

    internal static bool IsHash(string? hash) =>
        hash is { Length: 71 } && hash.StartsWith(HashPrefix, StringComparison.Ordinal) && hash[HashPrefix.Length..].All(char.IsAsciiHexDigitLower);
}

/// <summary>One API key: <c>Security:ApiKeys:&lt;name&gt;</c>.</summary>
public sealed class ApiKeyOptions
{
    /// <summary><c>sha256:</c> and the lower-case hex SHA-256 of the key's UTF-8 bytes.</summary>
    public string Hash { get; set; } = "";

    /// <summary>Any of <c>submit</c>, <c>read</c>, <c>operate</c>.</summary>
    public List<string> Roles { get; set; } = [];

    /// <summary>Requests a minute this key may make (a fixed window per key); more get 429 with Retry-After.</summary>
    public int PermitsPerMinute { get; set; } = 600;
}
