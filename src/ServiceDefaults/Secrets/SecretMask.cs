namespace ClayBus.ServiceDefaults.Secrets;

/// <summary>Shows a secret (webhook URL, token) by its last 6 characters only, as Clay's guidance asks.</summary>
public static class SecretMask
{
    private const int VisibleCharacters = 6;

    public static string Mask(string? secret) =>
        string.IsNullOrEmpty(secret) ? "(none)"
        : secret.Length <= VisibleCharacters ? "…" + new string('*', secret.Length)
        : "…" + secret[^VisibleCharacters..];
}
