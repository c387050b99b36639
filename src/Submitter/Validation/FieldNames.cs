namespace ClayBus.Submitter.Validation;

/// <summary>Column names as Clay receives them: trimmed snake_case, with the usual spellings of the identity fields folded.</summary>
public static class FieldNames
{
    public const string Email = "email";
    public const string Domain = "domain";
    public const string FirstName = "first_name";
    public const string LastName = "last_name";

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["email_address"] = Email,
        ["work_email"] = Email,
        ["e_mail"] = Email,
        ["mail"] = Email,
        ["company_domain"] = Domain,
        ["website"] = Domain,
        ["company_website"] = Domain,
        ["url"] = Domain,
        ["web"] = Domain,
        ["firstname"] = FirstName,
        ["first"] = FirstName,
        ["given_name"] = FirstName,
        ["lastname"] = LastName,
        ["last"] = LastName,
        ["surname"] = LastName,
        ["family_name"] = LastName,
    };

    public static string Normalise(string name)
    {
        var trimmed = name.Trim().TrimStart('\uFEFF');
        Span<char> buffer = trimmed.Length <= 256 ? stackalloc char[trimmed.Length] : new char[trimmed.Length];
        for (var index = 0; index < trimmed.Length; index++)
        {
            var character = trimmed[index];
            buffer[index] = character is ' ' or '-' or '.' ? '_' : char.ToLowerInvariant(character);
        }

        var normalised = new string(buffer);
        return Aliases.TryGetValue(normalised, out var canonical) ? canonical : normalised;
    }
}
