using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;

namespace ClayBus.ServiceDefaults.Security;

/// <summary>
/// One fixed one-minute window per API key (<c>Security:ApiKeys:&lt;name&gt;:PermitsPerMinute</c>), so one noisy
/// upstream cannot starve the others. Requests without a key (probes, Clay's callbacks) are not limited here.
/// </summary>
internal static class ApiKeyRateLimiting
{
    public static void Configure(RateLimiterOptions limiter)
    {
        limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
        {
            if (context.User.Identity is not { IsAuthenticated: true, Name: { } name }
                || context.RequestServices.GetRequiredService<ApiKeyRing>().Keys.FirstOrDefault(key => key.Name == name) is not { } key)
            {
                return RateLimitPartition.GetNoLimiter("");
            }

            // The limit is part of the partition: a changed limit takes effect with the next request.
            return RateLimitPartition.GetFixedWindowLimiter(
                $"{key.PermitsPerMinute}:{name}",
                _ => new FixedWindowRateLimiterOptions { PermitLimit = key.PermitsPerMinute, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 });
        });
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = async (rejected, cancellationToken) =>
        {
            var context = rejected.HttpContext;
            var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 60;
            context.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
            var name = context.User.FindFirstValue(ClaimTypes.Name);
            var limit = context.RequestServices.GetRequiredService<ApiKeyRing>().Keys.FirstOrDefault(key => key.Name == name)?.PermitsPerMinute;
            await ApiProblems.WriteAsync(
                context,
                StatusCodes.Status429TooManyRequests,
                "Too many requests",
                $"key '{name}' may make {limit} requests a minute (Security:ApiKeys:{name}:PermitsPerMinute): retry after {retryAfter} s, or ask the ClayBus operators for a higher limit",
                new Dictionary<string, object?> { ["retryAfterSeconds"] = retryAfter });
        };
    }
}
