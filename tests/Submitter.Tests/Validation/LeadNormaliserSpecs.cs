using System.Text.Json;
using ClayBus.Submitter.Ingest;
using ClayBus.Submitter.Validation;

namespace ClayBus.Submitter.Tests.Validation;

public class LeadNormaliserSpecs
{
    private readonly LeadNormaliser _normaliser = new(90_000);

    [Theory]
    [InlineData("email= Ana@ACME.com ", "ana@acme.com", "acme.com")]
    [InlineData("domain=https://www.Acme.com/about?x=1", null, "acme.com")]
    [InlineData("website=http://globex.io:8080", null, "globex.io")]
    [InlineData("Email Address=bob@initech.co.uk", "bob@initech.co.uk", "initech.co.uk")]
    [InlineData("work_email=eve@sub.example.org|company_domain=example.org", "eve@sub.example.org", "example.org")]
    public void Should_normalise_identity(string row, string? email, string domain)
    {
        var (lead, problem) = _normaliser.Normalise(Csv(row));

        Assert.Null(problem);
        Assert.Equal(email, lead!.Email);
        Assert.Equal(domain, lead.Domain);
    }

    [Theory]
    [InlineData("first_name=Ana", "email", "needs an email or a company domain")]
    [InlineData("email=not-an-email", "email", "is not an email address")]
    [InlineData("email=a@b@c.com", "email", "is not an email address")]
    [InlineData("email=ana@localhost", "email", "is not an email address")]
    [InlineData("domain=not a domain", "domain", "is not a domain or URL")]
    [InlineData("email=|domain=", "email", "needs an email or a company domain")]
    public void Should_reject_a_row_naming_the_field(string row, string field, string reason)
    {
        var (lead, problem) = _normaliser.Normalise(Csv(row));

        Assert.Null(lead);
        Assert.Equal(field, problem!.Field);
        Assert.Contains(reason, problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_keep_unknown_fields_trimmed_and_drop_empty_ones()
    {
        var (lead, _) = _normaliser.Normalise(Csv("email=ana@acme.com|Job Title= CTO |empty=|Custom-Field=x"));

        var fields = lead!.Fields();
        Assert.Equal("CTO", fields["job_title"].GetString());
        Assert.Equal("x", fields["custom_field"].GetString());
        Assert.False(fields.ContainsKey("empty"));
        Assert.Equal("acme.com", fields["domain"].GetString());
    }

    [Fact]
    public void Should_pass_json_values_through_and_refuse_a_non_string_email()
    {
        var json = JsonDocument.Parse("""{"email":"ana@acme.com","employees":120,"tags":["a","b"]}""").RootElement;
        var (lead, _) = _normaliser.Normalise(Json(json));
        var (_, problem) = _normaliser.Normalise(Json(JsonDocument.Parse("""{"email":42}""").RootElement));

        Assert.Equal(120, lead!.Fields()["employees"].GetInt32());
        Assert.Equal(2, lead.Fields()["tags"].GetArrayLength());
        Assert.Equal("email", problem!.Field);
        Assert.Contains("must be a string", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_reject_a_row_too_large_for_one_batch()
    {
        var (lead, problem) = new LeadNormaliser(1_000).Normalise(Csv("email=ana@acme.com|notes=" + new string('x', 2_000)));

        Assert.Null(lead);
        Assert.Equal("row", problem!.Field);
        Assert.Contains("must fit one batch", problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_report_a_reader_problem_as_a_row_problem()
    {
        var (_, problem) = _normaliser.Normalise(new InputRow(7, [], "broken CSV quoting"));

        Assert.Equal(new RowProblem(7, "row", "broken CSV quoting"), problem);
    }

    private static InputRow Csv(string row) =>
        new(1, row.Split('|').Select(pair => pair.Split('=', 2)).Select(pair => new InputField(pair[0], pair[1])).ToArray());

    private static InputRow Json(JsonElement element) =>
        new(1, element.EnumerateObject().Select(property => new InputField(property.Name, null, property.Value.Clone())).ToArray());

    [Fact]
    public void Should_fold_field_name_spellings()
    {
        Assert.Equal("email", FieldNames.Normalise(" Email_Address "));
        Assert.Equal("first_name", FieldNames.Normalise("First Name"));
        Assert.Equal("last_name", FieldNames.Normalise("\uFEFFsurname"));
        Assert.Equal("annual_revenue", FieldNames.Normalise("Annual-Revenue"));
    }
}
