using System.Net;
using System.Text;
using ClayBus.ServiceDefaults.Security;
using ClayBus.Testing.Security;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace ClayBus.Submitter.Tests.Security;

/// <summary>
/// Every endpoint the Submitter maps, read from its <see cref="EndpointDataSource"/>: each needs a role unless it is
/// on the anonymous list, and is refused without a key, with an unknown key and with another role's key.
/// </summary>
[Trait("Category", "Integration")]
public sealed class EndpointAccessSpecs(SecuredSubmitter submitter) : IClassFixture<SecuredSubmitter>
{
    private static readonly HashSet<string> Anonymous = ["GET /health/live", "GET /health/ready"];

    private static readonly Dictionary<string, string> Documented = new()
    {
        ["POST /jobs"] = ApiRoles.Submit,
        ["POST /jobs/csv"] = ApiRoles.Submit,
        ["GET /plan"] = ApiRoles.Read,
    };

    [Fact]
    public async Task Should_refuse_every_endpoint_without_a_key_with_an_unknown_key_and_with_another_roles_key()
    {
        var failures = new List<string>();
        var endpoints = Endpoints(submitter.Services);
        Assert.Superset(Documented.Keys.ToHashSet(), endpoints.Select(endpoint => endpoint.Name).ToHashSet());
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

        foreach (var endpoint in endpoints.Where(endpoint => Anonymous.Contains(endpoint.Name)))
        {
            using var response = await Send(endpoint, key: null);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                failures.Add($"{endpoint.Name} is a probe but asked for a key");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task Should_refuse_every_protected_request_when_the_service_has_no_keys()
    {
        // Production configuration: appsettings.json has no key, and appsettings.Development.json is not read.
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(host =>
        {
            host.UseEnvironment("Production");
            foreach (var (key, value) in submitter.Settings)
            {
                host.UseSetting(key, value);
            }
        });
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Add(TestKeys.Header, TestKeys.Development);

        using var plan = await client.GetAsync(new Uri("plan?monthlyLeads=1000", UriKind.Relative));
        using var jobs = await client.PostAsync(new Uri("jobs", UriKind.Relative), new StringContent("{\"rows\":[{\"email\":\"ana@acme.com\"}]}", Encoding.UTF8, "application/json"));
        using var live = await client.GetAsync(new Uri("health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, plan.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, jobs.StatusCode);
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
        using var client = submitter.Client(key);
        // Bodies that fail validation before anything is published: an empty job, a plan without a volume.
        using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), new Uri(endpoint.Pattern.TrimStart('/'), UriKind.Relative));
        if (endpoint.Method == "POST")
        {
            request.Content = new StringContent("{\"rows\":[]}", Encoding.UTF8, "application/json");
        }

        return await client.SendAsync(request);
    }

    private static List<MappedEndpoint> Endpoints(IServiceProvider services) =>
        services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => (endpoint.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(method => new MappedEndpoint(
                method,
                "/" + endpoint.RoutePattern.RawText!.TrimStart('/'),
                endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(data => data.Policy).LastOrDefault(policy => policy is not null && ApiRoles.All.Contains(policy)))))
            .Where(endpoint => endpoint.Method is not "HEAD" and not "OPTIONS")
            .ToList();

    private sealed record MappedEndpoint(string Method, string Pattern, string? Role)
    {
        public string Name => $"{Method} {Pattern}";
    }
}
