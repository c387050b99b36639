using System.Net;
using System.Text;
using ClayBus.Monitor.Tests.Status;
using ClayBus.ServiceDefaults.Security;
using ClayBus.Testing.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ClayBus.Monitor.Tests.Security;

/// <summary>
/// Every endpoint the Monitor maps, read from its <see cref="EndpointDataSource"/>: each needs a role (or is on the
/// explicit anonymous list), and without a key, with an unknown key, and with a key of another role it is refused
/// with 401, 401 and 403. A new endpoint that names no role fails here.
/// </summary>
public sealed class EndpointAccessSpecs(MonitorFixture monitor) : IClassFixture<MonitorFixture>
{
    /// <summary>Probes and the dashboard's files (which hold no data) need no key; Clay's callbacks carry their own secret.</summary>
    private static readonly HashSet<string> Anonymous =
    [
        "GET /health/live", "GET /health/ready", "POST /clay/callbacks/{table}", "GET /dashboard", "GET /dashboard/{file}",
    ];

    /// <summary>The documented role of each endpoint (docs/operations.md, Security).</summary>
    private static readonly Dictionary<string, string> Documented = new()
    {
        ["GET /status/budget"] = ApiRoles.Read,
        ["GET /status/providers"] = ApiRoles.Read,
        ["GET /status/webhooks"] = ApiRoles.Read,
        ["GET /status/dead-letters"] = ApiRoles.Read,
        ["GET /status/enrichers"] = ApiRoles.Read,
        ["GET /status/jobs"] = ApiRoles.Read,
        ["GET /status/jobs/{jobId:guid}"] = ApiRoles.Read,
        ["GET /status/callbacks"] = ApiRoles.Read,
        ["GET /rows/{rowId}"] = ApiRoles.Read,
        ["GET /budget/audit"] = ApiRoles.Read,
        ["GET /openapi/{documentName}.json"] = ApiRoles.Read,
        ["GET /audit"] = ApiRoles.Read,
        ["PUT /budget"] = ApiRoles.Operate,
        ["POST /jobs/{jobId:guid}/cancel"] = ApiRoles.Operate,
        ["POST /dead-letters/{queue}/requeue"] = ApiRoles.Operate,
        ["POST /dead-letters/requeues"] = ApiRoles.Operate,
        ["GET /dead-letters/requeues/{runId:guid}"] = ApiRoles.Read,
    };

    [Fact]
    public async Task Should_refuse_every_endpoint_without_a_key_with_an_unknown_key_and_with_another_roles_key()
    {
        var failures = new List<string>();
        var endpoints = Endpoints(monitor.Services);
        Assert.Contains(endpoints, endpoint => endpoint.Name == "POST /dead-letters/{queue}/requeue");
        foreach (var endpoint in endpoints.Where(endpoint => !Anonymous.Contains(endpoint.Name)))
        {
            if (endpoint.Role is null)
            {
                failures.Add($"{endpoint.Name} names no role: add .RequireAuthorization(ApiRoles.X), or list it as anonymous here with the reason");
                continue;
            }

            if (Documented.TryGetValue(endpoint.Name, out var documented) && documented != endpoint.Role)
            {
                failures.Add($"{endpoint.Name} needs '{endpoint.Role}' but the documented role is '{documented}'");
            }

            var wrongRole = ApiRoles.All.First(role => role != endpoint.Role);
            await Expect(endpoint, key: null, HttpStatusCode.Unauthorized, "X-Api-Key", failures);
            await Expect(endpoint, "test-only-not-a-key", HttpStatusCode.Unauthorized, "not one this service knows", failures);
            await Expect(endpoint, TestKeys.ByRole[wrongRole], HttpStatusCode.Forbidden, $"'{endpoint.Role}'", failures);
            using var allowed = await Send(endpoint, TestKeys.ByRole[endpoint.Role]);
            if (allowed.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden)
            {
                failures.Add($"{endpoint.Name} refused a key with its role '{endpoint.Role}': {(int)allowed.StatusCode}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Should_serve_only_the_allow_listed_endpoints_without_a_key()
    {
        var endpoints = Endpoints(monitor.Services).Where(endpoint => Anonymous.Contains(endpoint.Name)).ToList();

        Assert.Equal(Anonymous.Count, endpoints.Count);
        foreach (var endpoint in endpoints)
        {
            using var response = await Send(endpoint, key: null);
            var body = await response.Content.ReadAsStringAsync();
            // The callback answers 401 for its own reason: no Clay secret, not no API key.
            Assert.False(response.StatusCode == HttpStatusCode.Unauthorized && body.Contains("X-Api-Key", StringComparison.Ordinal), $"{endpoint.Name} asked for an API key");
        }

        using var page = await Send(endpoints.Single(endpoint => endpoint.Name == "GET /dashboard"), key: null);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.DoesNotContain("dashboard-table", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Should_refuse_every_protected_request_when_the_service_has_no_keys()
    {
        // Production configuration: appsettings.json has no key, and appsettings.Development.json is not read.
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Production");
            foreach (var (key, value) in monitor.Settings)
            {
                host.UseSetting(key, value);
            }

            host.UseSetting("Callbacks:Secrets:0", "test-only-callback-secret-production");
        });
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(TestKeys.Header, TestKeys.Development);

        foreach (var path in new[] { "status/budget", "status/jobs", "audit", "openapi/v1.json", "rows/r-1" })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        }

        using var live = await client.GetAsync(new Uri("health/live", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
    }

    private async Task Expect(MappedEndpoint endpoint, string? key, HttpStatusCode status, string inBody, List<string> failures)
    {
        using var response = await Send(endpoint, key);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != status || !body.Contains(inBody, StringComparison.Ordinal) || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            failures.Add($"{endpoint.Name} with {(key is null ? "no key" : "key " + key[..Math.Min(18, key.Length)])}: expected {(int)status} with a problem naming {inBody}, got {(int)response.StatusCode} {body}");
        }
    }

    private async Task<HttpResponseMessage> Send(MappedEndpoint endpoint, string? key)
    {
        using var client = new HttpClient { BaseAddress = monitor.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), new Uri(endpoint.Url, UriKind.Relative));
        if (endpoint.Method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        if (key is not null)
        {
            request.Headers.Add(TestKeys.Header, key);
        }

        return await client.SendAsync(request);
    }

    private static List<MappedEndpoint> Endpoints(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => new MappedEndpoint(
                method,
                "/" + endpoint.RoutePattern.RawText!.TrimStart('/'),
                endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(data => data.Policy).LastOrDefault(policy => policy is not null && ApiRoles.All.Contains(policy)),
                endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null)))
            .Where(endpoint => endpoint.Method is not "HEAD" and not "OPTIONS")
            .ToList();

    private sealed record MappedEndpoint(string Method, string Pattern, string? Role, bool AllowsAnonymous)
    {
        public string Name => $"{Method} {Pattern}";

        /// <summary>The pattern with a harmless value in each parameter: an unknown job, a queue that does not exist.</summary>
        public string Url => Pattern.TrimStart('/')
            .Replace("{jobId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{runId:guid}", Guid.NewGuid().ToString(), StringComparison.Ordinal)
            .Replace("{queue}", "access-spec_error", StringComparison.Ordinal)
            .Replace("{rowId}", "no-such-row", StringComparison.Ordinal)
            .Replace("{table}", "people", StringComparison.Ordinal)
            .Replace("{file}", "index.html", StringComparison.Ordinal)
            .Replace("{documentName}", "v1", StringComparison.Ordinal);
    }
}
