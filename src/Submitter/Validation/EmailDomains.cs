namespace ClayBus.Submitter.Validation;

/// <summary>Mail providers whose addresses say nothing about a company, and throwaway inbox services.</summary>
public static class EmailDomains
{
    public static readonly IReadOnlySet<string> Personal = new HashSet<string>(StringComparer.Ordinal)
    {
        "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "ymail.com", "hotmail.com", "hotmail.co.uk",
        "outlook.com", "live.com", "msn.com", "icloud.com", "me.com", "mac.com", "aol.com", "proton.me",
        "protonmail.com", "gmx.com", "gmx.de", "gmx.net", "web.de", "mail.com", "yandex.ru", "yandex.com",
        "zoho.com", "fastmail.com", "hey.com", "qq.com", "163.com", "comcast.net", "orange.fr", "free.fr",
    };

    public static readonly IReadOnlySet<string> Disposable = new HashSet<string>(StringComparer.Ordinal)
    {
        "mailinator.com", "10minutemail.com", "guerrillamail.com", "guerrillamail.net", "sharklasers.com",
        "tempmail.com", "temp-mail.org", "trashmail.com", "yopmail.com", "getnada.com", "dispostable.com",
        "throwawaymail.com", "maildrop.cc", "fakeinbox.com", "mintemail.com", "mohmal.com", "emailondeck.com",
    };
}
