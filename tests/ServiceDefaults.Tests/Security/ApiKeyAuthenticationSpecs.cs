using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace ClayBus.ServiceDefaults.Tests.Security;

/// <summary>API keys over real HTTP: who gets in, what each refusal says, and keys changed while the host runs.</summary>
public sealed class ApiKeyAuthenticationSpecs
{
    private const string ReaderKey = "test-only-reader-4f1c0a9e";
    private const string OperatorKey = "test-only-operator-9d2b7c31";

    private static Dictionary<string, string?> TwoKeys(int permitsPerMinute = 1000) =>
        SecuredWebHost.Key("reader", ReaderKey, permitsPerMinute, "read")
            .Concat(SecuredWebHost.Key("ops", OperatorKey, permitsPerMinute, "operate", "read"))
            .ToDictionary();

    [Fact]
    public async Task Should_answer_401_naming_the_header_when_no_key_is_sent()
    {
        await using var host = await SecuredWebHost.StartAsync(TwoKeys());

        using var response = await host.GetAsync("/read", key: null);
        var problem = await Problem(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("X-Api-Key", response.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_401_for_an_unknown_key_without_saying_which_keys_exist()
    {
        await using var host = await SecuredWebHost.StartAsync(TwoKeys());

        using var response = await host.GetAsync("/read", ReaderKey + "x");
        var detail = (await Problem(response)).GetProperty("detail").GetString()!;

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("not one this service knows", detail, StringComparison.Ordinal);
        Assert.DoesNotContain("reader", detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_answer_403_naming_the_role_the_key_lacks()
    {
        await using var host = await SecuredWebHost.StartAsync(TwoKeys());

        using var response = await host.GetAsync("/operate", ReaderKey);
        var problem = await Problem(response);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("'operate'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains("Security:ApiKeys:reader:Roles", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal("operate", Assert.Single(problem.GetProperty("requiredRoles").EnumerateArray()).GetString());
    }

    [Fact]
    public async Task Should_let_a_key_in_where_it_has_the_role_under_its_name()
    {
        await using var host = await SecuredWebHost.StartAsync(TwoKeys());

        using var read = await host.GetAsync("/read", OperatorKey);
        using var operate = await host.GetAsync("/operate", OperatorKey);
        using var submit = await host.GetAsync("/submit", OperatorKey);

        Assert.Equal("read by ops", await read.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, operate.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, submit.StatusCode);
    }

    [Fact]
    public async Task Should_need_a_known_key_even_where_an_endpoint_names_no_role()
    {
        await using var host = await SecuredWebHost.StartAsync(TwoKeys());

        using var without = await host.GetAsync("/no-role", key: null);
        using var with = await host.GetAsync("/no-role", ReaderKey);
        using var open = await host.GetAsync("/open", key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
    }

    [Fact]
    public async Task Should_refuse_every_protected_request_when_no_key_is_configured()
    {
        await using var host = await SecuredWebHost.StartAsync(new Dictionary<string, string?>());

        foreach (var path in new[] { "/read", "/operate", "/submit", "/no-role" })
        {
            using var response = await host.GetAsync(path, ReaderKey);
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var open = await host.GetAsync("/open", key: null);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
    }

    [Fact]
    public async Task Should_limit_each_key_on_its_own_with_retry_after_and_a_clear_body()
    {
        await using var host = await SecuredWebHost.StartAsync(TwoKeys(permitsPerMinute: 3));

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await host.GetAsync("/read", ReaderKey);
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var limited = await host.GetAsync("/read", ReaderKey);
        using var other = await host.GetAsync("/read", OperatorKey);
        using var open = await host.GetAsync("/open", key: null);
        var problem = await Problem(limited);

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        var retryAfter = limited.Headers.RetryAfter?.Delta;
        Assert.NotNull(retryAfter);
        Assert.InRange(retryAfter.Value.TotalSeconds, 1, 60);
        Assert.Contains("Security:ApiKeys:reader:PermitsPerMinute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        Assert.Equal(HttpStatusCode.OK, open.StatusCode);
    }

    [Fact]
    public async Task Should_accept_old_and_new_key_during_a_rotation_and_refuse_the_old_one_once_removed()
    {
        const string newKey = "test-only-reader-rotated-77aa01";
        var both = TwoKeys().Concat(SecuredWebHost.Key("reader-2026-11", newKey, 1000, "read")).ToDictionary();
        await using var host = await SecuredWebHost.StartAsync(both);

        using var oldDuring = await host.GetAsync("/read", ReaderKey);
        using var newDuring = await host.GetAsync("/read", newKey);
        host.Settings.Replace(both.Where(pair => !pair.Key.StartsWith("Security:ApiKeys:reader:", StringComparison.Ordinal)).ToDictionary());
        using var oldAfter = await host.GetAsync("/read", ReaderKey);
        using var newAfter = await host.GetAsync("/read", newKey);

        Assert.Equal(HttpStatusCode.OK, oldDuring.StatusCode);
        Assert.Equal("read by reader-2026-11", await newDuring.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, oldAfter.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newAfter.StatusCode);
    }

    [Fact]
    public async Task Should_keep_the_keys_in_force_when_a_changed_configuration_is_invalid()
    {
        await using var host = await SecuredWebHost.StartAsync(TwoKeys());

        var refused = host.Settings.Replace(new Dictionary<string, string?> { ["Security:ApiKeys:reader:Hash"] = "md5:abc", ["Security:ApiKeys:reader:Roles:0"] = "read" });
        using var response = await host.GetAsync("/read", ReaderKey);

        Assert.Contains("Security:ApiKeys:reader:Hash", refused?.ToString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<JsonElement> Problem(HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();
}
