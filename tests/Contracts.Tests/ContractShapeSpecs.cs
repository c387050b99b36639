using System.Reflection;
using System.Text.Json;
using ClayBus.Contracts.Delivery;
using ClayBus.Contracts.Submission;
using ClayBus.Contracts.Tracking;

namespace ClayBus.Contracts.Tests;

public class ContractShapeSpecs
{
    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static readonly Type[] Messages = typeof(SubmitJob).Assembly.GetExportedTypes()
        .Where(type => type is { IsClass: true, IsAbstract: false }).ToArray();

    [Fact]
    public void Should_keep_every_contract_in_a_service_namespace() =>
        Assert.All(Messages, type => Assert.Matches(@"^ClayBus\.Contracts\.(Submission|Delivery|Tracking|Credits)$", type.Namespace));

    [Fact]
    public void Should_make_every_contract_a_data_only_record()
    {
        Assert.All(Messages, type =>
        {
            Assert.NotNull(type.GetMethod("<Clone>$"));
            Assert.Equal(typeof(object), type.BaseType);
            Assert.DoesNotContain(type.GetProperties(), property => property.SetMethod is { IsPublic: true } setter && !IsInitOnly(setter));
        });
    }

    [Fact]
    public void Should_read_a_plain_json_submission_as_an_upstream_system_writes_it()
    {
        const string Json = """
            {"rows":[{"email":"Ada@Example.com","company_domain":"example.com","employees":42}],
             "table":"auto","priority":"high","idempotencyKey":"crm-export-2026-11-23","source":"hubspot"}
            """;

        var job = JsonSerializer.Deserialize<SubmitJob>(Json, Web)!;

        Assert.Equal("high", job.Priority);
        Assert.Equal("crm-export-2026-11-23", job.IdempotencyKey);
        Assert.Equal(42, job.Rows[0]["employees"].GetInt32());
    }

    [Fact]
    public void Should_round_trip_a_batch_with_pass_through_fields()
    {
        using var fields = JsonDocument.Parse("""{"email":"ada@example.com","custom":{"nested":[1,2]}}""");
        var row = new BatchRow("r1", 7, fields.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone()));
        var batch = new DeliverBatch(Guid.NewGuid(), Guid.NewGuid(), "inbound-leads", JobPriority.High, [row], 6m, DateTimeOffset.UnixEpoch);

        var copy = JsonSerializer.Deserialize<DeliverBatch>(JsonSerializer.Serialize(batch))!;

        Assert.Equal(batch.BatchId, copy.BatchId);
        Assert.Equal("""{"nested":[1,2]}""", copy.Rows[0].Fields["custom"].GetRawText());
    }

    [Fact]
    public void Should_read_a_route_change_from_a_monitor_that_does_not_number_them_as_version_0()
    {
        const string Json = """
            {"tableKey":"outbound-leads-tech","routeToTableKey":null,"probeShare":0,"reason":"recovered","at":"2026-12-07T00:00:00Z"}
            """;

        var change = JsonSerializer.Deserialize<TableRouteChanged>(Json, Web)!;

        Assert.Equal(0, change.Version);
        Assert.Equal(9, JsonSerializer.Deserialize<TableRouteChanged>(JsonSerializer.Serialize(change with { Version = 9 }, Web), Web)!.Version);
    }

    private static bool IsInitOnly(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Any(modifier => modifier.Name == "IsExternalInit");
}
