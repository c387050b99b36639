using System.Diagnostics;
using ClayBus.ServiceDefaults.Secrets;
using OpenTelemetry;

namespace ClayBus.ServiceDefaults.Telemetry;

/// <summary>
/// A Clay webhook's URL is its credential, and outgoing HTTP spans carry the full URL: keep the scheme and host, and
/// only the last characters of the rest, as in the logs, before any exporter sees the span.
/// </summary>
internal sealed class UrlRedactionProcessor : BaseProcessor<Activity>
{
    private static readonly string[] UrlTags = ["url.full", "http.url"];

    public override void OnEnd(Activity data)
    {
        if (data.Kind != ActivityKind.Client)
        {
            return;
        }

        foreach (var tag in UrlTags)
        {
            if (data.GetTagItem(tag) is string url)
            {
                data.SetTag(tag, Redact(url));
            }
        }
    }

    internal static string Redact(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri)
            ? $"{uri.Scheme}://{uri.Authority}/{SecretMask.Mask(uri.PathAndQuery.TrimStart('/'))}"
            : SecretMask.Mask(url);
}
