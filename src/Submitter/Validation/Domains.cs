namespace ClayBus.Submitter.Validation;

/// <summary>Company domains from what people type: a bare domain, a URL, or the part of an email after the @.</summary>
public static class Domains
{
    /// <summary>Lowercase host without scheme, path, port or <c>www.</c>; null if what is left is not a domain.</summary>
    public static string? FromUrlOrDomain(string value)
    {
        var text = value.Trim().ToLowerInvariant();
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (scheme >= 0)
        {
            text = text[(scheme + 3)..];
        }

        var end = text.IndexOfAny(['/', '?', '#']);
        if (end >= 0)
        {
            text = text[..end];
        }

        var at = text.LastIndexOf('@');
        if (at >= 0)
        {
            text = text[(at + 1)..];
        }

        var port = text.IndexOf(':', StringComparison.Ordinal);
        if (port >= 0)
        {
            text = text[..port];
        }

        text = text.TrimEnd('.');
        if (text.StartsWith("www.", StringComparison.Ordinal))
        {
            text = text[4..];
        }

        return IsDomain(text) ? text : null;
    }

    public static bool IsDomain(string text)
    {
        if (text.Length is < 4 or > 253)
        {
            return false;
        }

        var labels = text.Split('.');
        if (labels.Length < 2 || labels[^1].Length < 2 || !labels[^1].All(char.IsLetter))
        {
            return false;
        }

        return labels.All(label =>
            label.Length is > 0 and <= 63 && label[0] != '-' && label[^1] != '-' && label.All(c => char.IsLetterOrDigit(c) || c == '-'));
    }
}
