using System.Security.Cryptography;
using System.Text;
using ClayBus.ServiceDefaults.Secrets;

namespace ClayBus.Enricher.Webhooks;

/// <summary>One webhook of a table's pool. <see cref="ToString"/> and <see cref="Masked"/> never show the secret.</summary>
public sealed class WebhookTarget(string tableKey, Uri url, string? token)
{
    public string TableKey => tableKey;

    /// <summary>A stable, non-secret id for Redis keys and breakers: a hash of the URL.</summary>
    public string Id { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(url.AbsoluteUri)))[..16];

    public Uri Url => url;

    public string? Token => token;

    public string Masked { get; } = SecretMask.Mask(url.AbsoluteUri);

    public override string ToString() => Masked;
}
