using ClayBus.Monitor.Status;

namespace ClayBus.Monitor.Tests.Status;

public class FaultCauseSpecs
{
    [Theory]
    [InlineData("table 'crm' is not configured (batch 3f2a9c1e-7b4d-4e2a-9f00-1a2b3c4d5e6f)", "table 'crm' is not configured (batch <id>)")]
    [InlineData("table 'crm' is not configured (batch 0c51d2e37aa64b19a1f0e9d8c7b6a5f4)", "table 'crm' is not configured (batch <id>)")]
    [InlineData("1,200 rows of batch 9 stayed claimed by another delivery", "<n> rows of batch <n> stayed claimed by another delivery")]
    [InlineData("Clay webhook …ab12c3 kept answering 503", "Clay webhook …<id> kept answering 503")]
    [InlineData("Clay answered 422 for the webhook", "Clay answered 422 for the webhook")]
    [InlineData("row r-00017 of job 42 kept changing\n   at ClayBus.Enricher.Credits…", "row r-<n> of job <n> kept changing")]
    [InlineData("a decade of faced   added rows", "a decade of faced added rows")]
    [InlineData(null, "")]
    public void Should_strip_ids_numbers_and_row_counts_from_the_first_line(string? message, string cause) =>
        Assert.Equal(cause, FaultCause.Of(message));

    [Fact]
    public void Should_give_letters_that_differ_only_in_ids_one_group()
    {
        var first = DeadLetterGrouping.GroupId("deliver-batch_error", "ClayBus.TableNotConfigured", $"table 'crm' is not configured (batch {Guid.NewGuid()})");
        var second = DeadLetterGrouping.GroupId("deliver-batch_error", "ClayBus.TableNotConfigured", $"table 'crm' is not configured (batch {Guid.NewGuid()})");
        var otherTable = DeadLetterGrouping.GroupId("deliver-batch_error", "ClayBus.TableNotConfigured", $"table 'erp' is not configured (batch {Guid.NewGuid()})");

        Assert.Equal(first, second);
        Assert.NotEqual(first, otherTable);
    }

    [Fact]
    public void Should_be_stable_when_applied_twice_and_cap_the_length()
    {
        var cause = FaultCause.Of("batch 12 " + new string('x', 500));

        Assert.Equal(cause, FaultCause.Of(cause));
        Assert.Equal(FaultCause.MaxLength, cause.Length);
    }
}
