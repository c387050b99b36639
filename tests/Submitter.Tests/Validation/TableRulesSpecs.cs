using ClayBus.Submitter.Ingest;
using ClayBus.Submitter.Routing;
using ClayBus.Submitter.Validation;

namespace ClayBus.Submitter.Tests.Validation;

public class TableRulesSpecs
{
    [Theory]
    [InlineData("ana@gmail.com", true, false, "personal email domain")]
    [InlineData("ana@mailinator.com", false, true, "disposable email domain")]
    [InlineData("ana@gmail.com", false, true, null)]
    [InlineData("ana@acme.com", true, true, null)]
    public void Should_apply_the_tables_email_rules(string email, bool personal, bool disposable, string? reason)
    {
        var (lead, _) = new LeadNormaliser(90_000).Normalise(new InputRow(3, [new InputField("email", email)]));
        var table = new TableOptions { RejectPersonalEmails = personal, RejectDisposableEmails = disposable };

        var problem = TableRules.Check(lead!, "inbound-leads", table);

        if (reason is null)
        {
            Assert.Null(problem);
        }
        else
        {
            Assert.Equal("email", problem!.Field);
            Assert.Equal(3, problem.RowNumber);
            Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
        }
    }
}
