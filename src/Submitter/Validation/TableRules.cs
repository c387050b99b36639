using ClayBus.Submitter.Routing;

namespace ClayBus.Submitter.Validation;

/// <summary>A table's own acceptance rules, applied once a row is routed to it.</summary>
public static class TableRules
{
    public static RowProblem? Check(Lead lead, string tableKey, TableOptions table)
    {
        var emailDomain = lead.Email is null ? null : lead.Email[(lead.Email.IndexOf('@', StringComparison.Ordinal) + 1)..];
        if (emailDomain is null)
        {
            return null;
        }

        if (table.RejectDisposableEmails && EmailDomains.Disposable.Contains(emailDomain))
        {
            return new RowProblem(lead.RowNumber, FieldNames.Email, $"'{emailDomain}' is a disposable email domain, which table '{tableKey}' rejects");
        }

        if (table.RejectPersonalEmails && EmailDomains.Personal.Contains(emailDomain))
        {
            return new RowProblem(lead.RowNumber, FieldNames.Email, $"'{emailDomain}' is a personal email domain, which table '{tableKey}' rejects: send a work email");
        }

        return null;
    }
}
