using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ClayBus.ServiceDefaults.Security;

/// <summary>A configured key, hash decoded.</summary>
public sealed record ApiKey(string Name, byte[] Hash, IReadOnlySet<string> Roles, int PermitsPerMinute);

/// <summary>
/// The keys in force. Follows configuration changes (a mounted secret file is watched), so a key is added or removed
/// without a restart; a change that fails validation is refused with an error log and the previous keys stay.
/// </summary>
public sealed partial class ApiKeyRing
{
    private readonly IOptionsMonitor<SecurityOptions> _options;
    private readonly ILogger<ApiKeyRing> _logger;
    private readonly Lock _gate = new();
    private SecurityOptions _source;
    private IReadOnlyList<ApiKey> _keys;
    private string? _refused;

    /// <param name="atStart">The keys validated when the host started: in force until a valid change replaces them.</param>
    public ApiKeyRing(IOptions<SecurityOptions> atStart, IOptionsMonitor<SecurityOptions> options, ILogger<ApiKeyRing> logger)
    {
        _options = options;
        _logger = logger;
        _source = atStart.Value;
        _keys = Build(_source);
    }

    public IReadOnlyList<ApiKey> Keys
    {
        get
        {
            SecurityOptions current;
            try
            {
                current = _options.CurrentValue;
            }
            catch (OptionsValidationException exception)
            {
                var failures = string.Join("; ", exception.Failures);
                if (Interlocked.Exchange(ref _refused, failures) != failures)
                {
                    LogRefused(_logger, failures);
                }

                return _keys;
            }

            lock (_gate)
            {
                if (!ReferenceEquals(current, _source))
                {
                    _keys = Build(current);
                    _source = current;
                }

                return _keys;
            }
        }
    }

    /// <summary>
    /// The key whose hash matches, compared in constant time against every configured key (timing tells neither
    /// whether nor which one matched); <c>null</c> when none does.
    /// </summary>
    public ApiKey? Find(string presented)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(presented), hash);
        ApiKey? found = null;
        foreach (var key in Keys)
        {
            if (CryptographicOperations.FixedTimeEquals(hash, key.Hash))
            {
                found = key;
            }
        }

        return found;
    }

    private static List<ApiKey> Build(SecurityOptions options) =>
        options.ApiKeys
            .Select(pair => new ApiKey(
                pair.Key,
                Convert.FromHexString(pair.Value.Hash[SecurityOptions.HashPrefix.Length..]),
                pair.Value.Roles.ToHashSet(StringComparer.Ordinal),
                pair.Value.PermitsPerMinute))
            .ToList();

    /// <summary>The configuration value for a key: <c>sha256:</c> and its lower-case hex SHA-256.</summary>
    public static string HashOf(string key) =>
        SecurityOptions.HashPrefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    [LoggerMessage(LogLevel.Error, "The changed Security configuration is not valid and was not applied; the previous API keys stay in force: {Failures}")]
    private static partial void LogRefused(ILogger logger, string failures);
}
