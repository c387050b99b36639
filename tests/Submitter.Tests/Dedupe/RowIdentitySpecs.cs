using ClayBus.Submitter.Dedupe;
using ClayBus.Submitter.Ingest;
using ClayBus.Submitter.Validation;

namespace ClayBus.Submitter.Tests.Dedupe;

public class RowIdentitySpecs
{
    [Fact]
    public void Should_give_the_same_lead_the_same_id_however_it_is_written()
    {
        var a = Lead(("email", " Ana@Acme.com"), ("first_name", "Ana"));
        var b = Lead(("Email Address", "ana@acme.com"), ("first_name", "Anna"));

        Assert.Equal(RowIdentity.RowId("inbound-leads", a), RowIdentity.RowId("INBOUND-LEADS", b));
        Assert.Equal(32, RowIdentity.RowId("inbound-leads", a).Length);
    }

    [Fact]
    public void Should_tell_tables_and_people_apart()
    {
        var ana = Lead(("domain", "acme.com"), ("first_name", "Ana"), ("last_name", "Li"));
        var bob = Lead(("domain", "https://acme.com"), ("first_name", "Bob"), ("last_name", "Li"));
        var anaAgain = Lead(("website", "www.ACME.com"), ("first_name", "ana"), ("last_name", "LI"));

        Assert.NotEqual(RowIdentity.RowId("inbound-leads", ana), RowIdentity.RowId("event-attendees", ana));
        Assert.NotEqual(RowIdentity.RowId("inbound-leads", ana), RowIdentity.RowId("inbound-leads", bob));
        Assert.Equal(RowIdentity.RowId("inbound-leads", ana), RowIdentity.RowId("inbound-leads", anaAgain));
    }

    [Fact]
    public void Should_see_a_row_id_once_per_job()
    {
        var set = new JobRowSet();
        var id = RowIdentity.RowId("t", Lead(("email", "ana@acme.com")));

        Assert.True(set.Add(id));
        Assert.False(set.Add(id));
        Assert.Equal(1, set.Count);
    }

    private static Lead Lead(params (string Name, string Value)[] fields) =>
        new LeadNormaliser(90_000).Normalise(new InputRow(1, fields.Select(field => new InputField(field.Name, field.Value)).ToArray())).Lead!;
}
