using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using ClayBus.Testing.Security;

namespace ClayBus.Submitter.Tests.Security;

[Trait("Category", "Integration")]
public sealed class RateLimitSpecs(SecuredSubmitter submitter) : IClassFixture<SecuredSubmitter>
{
    [Fact]
    public async Task Should_answer_429_with_retry_after_once_a_key_spends_its_minute_and_leave_other_keys_alone()
    {
        using var limited = submitter.Client(SecuredSubmitter.LimitedKey);
        using var reader = submitter.Client(TestKeys.Reader);
        for (var i = 0; i < SecuredSubmitter.LimitedPermits; i++)
        {
            using var allowed = await limited.GetAsync(new Uri("plan?monthlyLeads=1000", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }

        using var refused = await limited.GetAsync(new Uri("plan?monthlyLeads=1000", UriKind.Relative));
        using var other = await reader.GetAsync(new Uri("plan?monthlyLeads=1000", UriKind.Relative));
        var problem = await refused.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.InRange(refused.Headers.RetryAfter?.Delta?.TotalSeconds ?? 0, 1, 60);
        Assert.Contains("3 requests a minute", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }
}
