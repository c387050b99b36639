namespace ClayBus.EndToEnd.Tests.Harness;

/// <summary>What the Enrichers' readiness pages say: a pause shows there with its reason and detail.</summary>
public static class EnricherReadiness
{
    /// <summary>Whether any Enricher's <c>/health/ready</c> mentions <paramref name="words"/>; one not answering says nothing.</summary>
    public static async Task<bool> AnySaysAsync(Pipeline pipeline, string words)
    {
        foreach (var enricher in pipeline.Enrichers)
        {
            using var http = new HttpClient { BaseAddress = enricher.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };
            try
            {
                using var response = await http.GetAsync(new Uri("health/ready", UriKind.Relative));
                if ((await response.Content.ReadAsStringAsync()).Contains(words, StringComparison.Ordinal))
                {
                    return true;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
            {
                // Not answering in time (a loaded machine) says nothing either: the caller waits on a deadline.
            }
        }

        return false;
    }
}
