using System.ComponentModel.DataAnnotations;
using ClayBus.Contracts.Tracking;
using ClayBus.Monitor.Callbacks;

namespace ClayBus.Monitor.Tests.Callbacks;

public class CallbackVerdictSpecs
{
    private static readonly Guid Job = Guid.Parse("0b5e5e7e-4c4f-4c1a-9a57-1a1a1a1a1a1a");
    private static readonly DeliveryRecord Delivered = new(Job, "people");
    private readonly CallbackVerdict _verdict = new(maxDataCreditsPerRow: 1_000, maxActionsPerRow: 100);

    /// <summary>The delivery cases, shared with <see cref="CallbackStoreVerdictSpecs"/>, which runs them through the Lua.</summary>
    public static TheoryData<string, string, bool, CallbackVerdictKind> DeliveryCases => new()
    {
        { "same", "people", true, CallbackVerdictKind.Settle },
        { "none", "people", true, CallbackVerdictKind.Settle },
        { "other", "people", true, CallbackVerdictKind.ForgedOtherJob },
        { "same", "companies", true, CallbackVerdictKind.ForgedOtherTable },
        { "other", "companies", true, CallbackVerdictKind.ForgedOtherJob },
        { "same", "People", true, CallbackVerdictKind.ForgedOtherTable },
        { "same", "people", false, CallbackVerdictKind.Park },
        { "other", "companies", false, CallbackVerdictKind.Park },
        { "none", "people", false, CallbackVerdictKind.Park },
    };

    public static Guid? JobNamed(string job, Guid delivered) => job switch
    {
        "same" => delivered,
        "other" => Guid.NewGuid(),
        _ => null,
    };

    [Theory]
    [MemberData(nameof(DeliveryCases))]
    public void Should_settle_only_the_job_and_table_the_row_was_sent_to(string job, string table, bool delivered, CallbackVerdictKind expected)
    {
        var verdict = CallbackVerdict.OfDelivery(JobNamed(job, Job), table, delivered ? Delivered : null);

        Assert.Equal(expected, verdict);
    }

    [Theory]
    [InlineData("0", 0, CallbackVerdictKind.Settle)]
    [InlineData("1000", 100, CallbackVerdictKind.Settle)]
    [InlineData("1000.01", 1, CallbackVerdictKind.RejectedAmount)]
    [InlineData("40000", 3, CallbackVerdictKind.RejectedAmount)]
    [InlineData("2", 101, CallbackVerdictKind.RejectedAmount)]
    [InlineData("-0.5", 1, CallbackVerdictKind.RejectedAmount)]
    [InlineData("2", -1, CallbackVerdictKind.RejectedAmount)]
    [InlineData("79228162514264337593543950335", 1, CallbackVerdictKind.RejectedAmount)]
    public void Should_refuse_negative_and_absurd_amounts(string credits, int actions, CallbackVerdictKind expected)
    {
        var callback = Callback(Job, decimal.Parse(credits, System.Globalization.CultureInfo.InvariantCulture), actions);

        Assert.Equal(expected, _verdict.OfAmounts(callback));
    }

    [Fact]
    public void Should_judge_amounts_before_the_delivery()
    {
        var callback = Callback(Guid.NewGuid(), 40_000, 3);

        Assert.Equal(CallbackVerdictKind.RejectedAmount, _verdict.Judge(callback, "companies", Delivered));
        Assert.Equal(CallbackVerdictKind.Settle, _verdict.Judge(Callback(Job, 2, 3), "people", Delivered));
    }

    [Fact]
    public void Should_let_unknown_credits_settle_so_the_reservation_is_kept()
    {
        var callback = Callback(Job, 0, 0) with { CreditsUnknown = true };

        Assert.Equal(CallbackVerdictKind.Settle, _verdict.Judge(callback, "people", Delivered));
    }

    [Theory]
    [InlineData(CallbackVerdictKind.ForgedOtherJob, "forged_other_job")]
    [InlineData(CallbackVerdictKind.ForgedOtherTable, "forged_other_table")]
    [InlineData(CallbackVerdictKind.RejectedAmount, "rejected_amount")]
    public void Should_name_each_refusal_for_the_metric_and_the_counter(CallbackVerdictKind verdict, string outcome)
    {
        Assert.Equal(outcome, CallbackVerdict.Outcome(verdict));
    }

    [Theory]
    [InlineData("-1", 100, nameof(CallbackOptions.MaxDataCreditsPerRow))]
    [InlineData("1000", 0, nameof(CallbackOptions.MaxActionsPerRow))]
    public void Should_refuse_limits_out_of_range_at_start_naming_the_key(string credits, int actions, string key)
    {
        var options = new CallbackOptions
        {
            Secrets = ["test-only-callback-secret-1"],
            MaxDataCreditsPerRow = decimal.Parse(credits, System.Globalization.CultureInfo.InvariantCulture),
            MaxActionsPerRow = actions,
        };
        var failures = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), failures, validateAllProperties: true));
        Assert.Contains(failures, failure => failure.MemberNames.Contains(key) && failure.ErrorMessage!.Contains("e.g.", StringComparison.Ordinal));
    }

    private static ClayCallback Callback(Guid? jobId, decimal credits, int actions) =>
        new("r-1", jobId, ClayCallback.Enriched, "apollo", [new ProviderOutcome("apollo", ProviderResult.Hit, credits)], credits, actions);
}
