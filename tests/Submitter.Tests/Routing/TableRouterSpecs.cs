using ClayBus.Submitter.Routing;

namespace ClayBus.Submitter.Tests.Routing;

public class TableRouterSpecs
{
    internal static readonly Dictionary<string, TableOptions> Tables = new(StringComparer.OrdinalIgnoreCase)
    {
        ["outbound-leads-tech"] = new() { Variants = { ["apollo"] = "outbound-leads-tech-no-apollo" } },
        ["outbound-leads-tech-no-apollo"] = new(),
        ["outbound-leads-finance"] = new(),
        ["inbound-leads"] = new(),
        ["event-attendees"] = new(),
    };

    internal static RoutingOptions Rules() => new()
    {
        Rules =
        [
            new() { Field = "industry", In = ["Software", "SaaS", "Technology"], Table = "outbound-leads-tech" },
            new() { Field = "industry", In = ["Banking", "Insurance"], Table = "outbound-leads-finance" },
            new() { Field = "source", EqualTo = "web-form", Table = "inbound-leads" },
            new() { Field = "source", EqualTo = "event", Table = "event-attendees" },
        ],
        DefaultTable = "inbound-leads",
    };

    [Theory]
    [InlineData("saas", "event", "outbound-leads-tech")]
    [InlineData("BANKING", null, "outbound-leads-finance")]
    [InlineData("Retail", "Event", "event-attendees")]
    [InlineData(null, "web-form", "inbound-leads")]
    [InlineData("Retail", "cold-call", "inbound-leads")]
    [InlineData(null, null, "inbound-leads")]
    public void Should_take_the_first_matching_rule_case_insensitively(string? industry, string? source, string table)
    {
        var router = new TableRouter(Rules(), Tables);
        var fields = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase) { ["industry"] = industry, ["source"] = source };

        Assert.Equal(table, router.Route(name => fields.GetValueOrDefault(name)));
    }

    [Fact]
    public void Should_refuse_a_rule_naming_an_unknown_table_by_its_key()
    {
        var options = Rules();
        options.Rules[2].Table = "inbound-leeds";
        options.Rules.Add(new RoutingRule { Field = "x", Table = "event-attendees" });

        var result = new RoutingValidation(Microsoft.Extensions.Options.Options.Create(With(Tables))).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, failure => failure.StartsWith("Routing:Rules:2:Table: 'inbound-leeds' is not a table", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, failure => failure.StartsWith("Routing:Rules:4: needs exactly one of In", StringComparison.Ordinal));
    }

    [Fact]
    public void Should_accept_the_shipped_rules()
    {
        var result = new RoutingValidation(Microsoft.Extensions.Options.Options.Create(With(Tables))).Validate(null, Rules());

        Assert.True(result.Succeeded);
    }

    [Fact]
    public void Should_refuse_a_capped_variant_of_an_auto_delete_table()
    {
        var tables = new Dictionary<string, TableOptions>(Tables, StringComparer.OrdinalIgnoreCase)
        {
            ["outbound-leads-tech"] = new() { AutoDelete = true, Variants = { ["apollo"] = "outbound-leads-tech-no-apollo" } },
        };

        var refused = new RoutingValidation(Microsoft.Extensions.Options.Options.Create(With(tables))).Validate(null, Rules());
        tables["outbound-leads-tech-no-apollo"] = new() { AutoDelete = true };
        var accepted = new RoutingValidation(Microsoft.Extensions.Options.Options.Create(With(tables))).Validate(null, Rules());

        Assert.Contains(refused.Failures!, failure => failure.StartsWith("Tables:outbound-leads-tech-no-apollo:AutoDelete: must be true", StringComparison.Ordinal));
        Assert.True(accepted.Succeeded);
    }

    [Fact]
    public void Should_send_a_probe_share_of_rerouted_rows_to_the_original_table()
    {
        var reroute = new TableReroute("outbound-leads-tech", "outbound-leads-tech-no-apollo", 0.1, "apollo degraded", DateTimeOffset.UnixEpoch);
        var destinations = Enumerable.Range(0, 10_000).Select(index => reroute.Destination($"row-{index}")).ToList();

        var probes = destinations.Count(destination => destination == "outbound-leads-tech");
        Assert.InRange(probes, 800, 1_200);
        Assert.Equal(reroute.Destination("row-42"), reroute.Destination("row-42"));
        Assert.All(Enumerable.Range(0, 100), index => Assert.Equal("outbound-leads-tech-no-apollo", (reroute with { ProbeShare = 0 }).Destination($"row-{index}")));
    }

    private static TablesOptions With(Dictionary<string, TableOptions> tables)
    {
        var options = new TablesOptions();
        foreach (var (key, table) in tables)
        {
            options.Tables[key] = table;
        }

        return options;
    }
}
