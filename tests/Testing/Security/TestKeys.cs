using ClayBus.ServiceDefaults.Security;

namespace ClayBus.Testing.Security;

/// <summary>
/// API keys for tests. <see cref="Development"/> is the one appsettings.Development.json accepts with every role;
/// the others exist only in the settings a test passes (<see cref="Settings"/>), one role each.
/// </summary>
public static class TestKeys
{
    public const string Header = ApiKeyAuthenticationHandler.Header;

    public const string Development = "dev-only-claybus-api-key";

    public const string DevelopmentName = "dev-only-local";

    public const string Submitter = "test-only-key-submit-0f3a9c";

    public const string Reader = "test-only-key-read-7be210";

    public const string Operator = "test-only-key-operate-c41d77";

    /// <summary>The key of each role, by role.</summary>
    public static readonly IReadOnlyDictionary<string, string> ByRole = new Dictionary<string, string>
    {
        [ApiRoles.Submit] = Submitter,
        [ApiRoles.Read] = Reader,
        [ApiRoles.Operate] = Operator,
    };

    /// <summary>Configuration for one key per role (named after the role), plus <paramref name="extra"/>.</summary>
    public static IReadOnlyDictionary<string, string?> Settings(int permitsPerMinute = 100_000, IReadOnlyDictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>();
        foreach (var (role, key) in ByRole)
        {
            settings[$"Security:ApiKeys:{role}-key:Hash"] = ApiKeyRing.HashOf(key);
            settings[$"Security:ApiKeys:{role}-key:Roles:0"] = role;
            settings[$"Security:ApiKeys:{role}-key:PermitsPerMinute"] = permitsPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }
}
