using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace ClayBus.Testing.Callbacks;

/// <summary>A row ClayBus delivered: the identity a genuine callback echoes.</summary>
public sealed record FuzzRow(string RowId, Guid JobId, string Table);

/// <summary>What the Monitor must do with a generated callback.</summary>
public enum FuzzExpect
{
    /// <summary>A genuine row (first or repeat): 200, counted at most once.</summary>
    Settle,
    ForgedOtherJob,
    ForgedOtherTable,
    RejectedAmount,

    /// <summary>A row never delivered: 202, parked, counted nowhere.</summary>
    Parked,

    /// <summary>Not a JSON object or no usable row id: 400.</summary>
    Refused,

    /// <summary>Over <c>Callbacks:MaxBodyBytes</c>: 413.</summary>
    TooLarge,
}

public sealed record FuzzCase(int Index, string Table, byte[] Body, FuzzExpect Expect, FuzzRow? Row, string Shape)
{
    /// <summary>The status the Monitor must answer.</summary>
    public int Status => Expect switch
    {
        FuzzExpect.Parked => 202,
        FuzzExpect.Refused => 400,
        FuzzExpect.TooLarge => 413,
        _ => 200,
    };
}

/// <summary>
/// Seeded callback bodies, odd but plausible: fields missing, null, of the wrong type, huge, deeply nested, in any
/// script, numbers as strings, arrays where objects belong, duplicate keys; plus forgeries (a real row under another
/// job or table), absurd amounts, unknown rows and bodies no receiver can read. The same seed gives the same cases.
/// </summary>
public sealed class CallbackFuzz(int seed)
{
    private static readonly JsonSerializerOptions Raw = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, MaxDepth = 400 };
    private static readonly string[] Texts = ["ada@example.com", "Zoë Ørsted", "李小龍", "مرحبا", "🦄🚀", "a\u200Bb", "\t\n", "", "null", "<script>"];
    private static readonly string[] Providers = ["clearbit", "apollo", "hunter", "zoominfo", "pdl"];
    private static readonly string[] Results = ["hit", "no_data", "error", "timeout", "skipped", "HIT", "maybe"];

    private readonly Random _random = new(seed);

    public int Seed => seed;

    /// <param name="otherJobs">Jobs the rows were not delivered for (a real one makes the sharpest forgery).</param>
    /// <param name="tables">Every table key; a row's other tables make the table forgeries.</param>
    /// <param name="forgedOnly">Rows that get only forgeries and absurd amounts: they must stay unsettled.</param>
    public IReadOnlyList<FuzzCase> Generate(int count, IReadOnlyList<FuzzRow> rows, IReadOnlyList<Guid> otherJobs, IReadOnlyList<string> tables, IReadOnlyList<FuzzRow>? forgedOnly = null)
    {
        var cases = new List<FuzzCase>(count);
        var targets = forgedOnly is null ? rows : [.. rows, .. forgedOnly];
        for (var i = 0; i < count; i++)
        {
            var roll = _random.NextDouble();
            var row = roll is >= 0.60 and < 0.84 ? Pick(targets) : Pick(rows);
            cases.Add(roll switch
            {
                < 0.50 => Genuine(i, row),
                < 0.60 when cases.Count > 0 && cases[_random.Next(cases.Count)] is { Expect: FuzzExpect.Settle } again => again with { Index = i, Shape = "repeat " + again.Shape },
                < 0.60 => Genuine(i, row),
                < 0.70 => Case(i, row.Table, Body(row.RowId, Pick([.. otherJobs.Where(job => job != row.JobId)]).ToString(), row), FuzzExpect.ForgedOtherJob, row, "other job"),
                < 0.78 => OtherTable(i, row, tables),
                < 0.84 => Case(i, row.Table, Absurd(Body(row.RowId, row.JobId.ToString(), row)), FuzzExpect.RejectedAmount, row, "absurd amount"),
                < 0.89 => Case(i, row.Table, Body("never-sent-" + _random.Next(1_000_000), row.JobId.ToString(), row), FuzzExpect.Parked, null, "unknown row"),
                < 0.99 => Unreadable(i, row),
                _ => Case(i, row.Table, Huge(row), FuzzExpect.TooLarge, null, "over the body limit"),
            });
        }

        return cases;
    }

    private FuzzCase Genuine(int index, FuzzRow row)
    {
        // The job as echoed, in other spellings, or missing (then the delivery record supplies it).
        var job = _random.Next(10) switch
        {
            0 => null,
            1 => row.JobId.ToString("N").ToUpperInvariant(),
            2 => row.JobId.ToString("B"),
            _ => row.JobId.ToString(),
        };
        var body = Body(long.TryParse(row.RowId, out _) && _random.Next(2) == 0 ? (object)long.Parse(row.RowId, CultureInfo.InvariantCulture) : row.RowId, job, row);
        if (job is null && _random.Next(2) == 0)
        {
            body.Remove("claybus_job_id");
        }
        else if (job is null)
        {
            body["claybus_job_id"] = _random.Next(2) == 0 ? 42 : "not-a-job";
        }

        return Case(index, row.Table, body, FuzzExpect.Settle, row, "genuine");
    }

    private FuzzCase OtherTable(int index, FuzzRow row, IReadOnlyList<string> tables)
    {
        var others = tables.Where(table => table != row.Table).ToList();
        var table = others.Count > 0 ? Pick(others) : row.Table + "-other";
        var body = Body(row.RowId, _random.Next(4) == 0 ? null : row.JobId.ToString(), row);
        return Case(index, table, body, FuzzExpect.ForgedOtherTable, row, "other table");
    }

    private FuzzCase Unreadable(int index, FuzzRow row)
    {
        var body = Body(row.RowId, row.JobId.ToString(), row);
        var (text, shape) = _random.Next(11) switch
        {
            0 => (Without(body, "claybus_row_id"), "no row id"),
            1 => (With(body, "claybus_row_id", null), "null row id"),
            2 => (With(body, "claybus_row_id", ""), "empty row id"),
            3 => (With(body, "claybus_row_id", new JsonObject { ["id"] = row.RowId }), "row id as an object"),
            4 => (With(body, "claybus_row_id", new string('r', 201)), "row id over 200 characters"),
            5 => ("[" + Serialize(body) + "]", "an array of rows"),
            6 => (JsonSerializer.Serialize(row.RowId), "a bare string"),
            7 => (Serialize(body)[..(Serialize(body).Length / 2)], "truncated JSON"),
            8 => (string.Concat(Enumerable.Repeat("{\"a\":", 300)) + "1" + new string('}', 300), "nested beyond any reader"),
            9 => ("{\"claybus_row_id\": \"\\ud800\", \"status\": \"enriched\"}", "row id a lone surrogate"),
            _ => ("", "empty body"),
        };
        return new FuzzCase(index, row.Table, Encoding.UTF8.GetBytes(text), FuzzExpect.Refused, null, shape);
    }

    private byte[] Huge(FuzzRow row)
    {
        var body = Body(row.RowId, row.JobId.ToString(), row);
        body["enriched"] = new JsonObject { ["notes"] = new string('x', 300 * 1024) };
        return Encoding.UTF8.GetBytes(Serialize(body));
    }

    /// <summary>A genuine-looking body for the row, with noise in every field that identifies nothing.</summary>
    private JsonObject Body(object rowId, string? jobId, FuzzRow row)
    {
        var enriched = _random.Next(3) > 0;
        var credits = Math.Round((decimal)_random.NextDouble() * 20, 2);
        var body = new JsonObject
        {
            ["claybus_row_id"] = rowId is long number ? JsonValue.Create(number) : JsonValue.Create((string)rowId),
            ["claybus_job_id"] = jobId,
            ["email"] = Pick(Texts),
            ["status"] = enriched ? "enriched" : Pick(["no_data", "error"]),
            ["successful_provider"] = enriched ? Pick(Providers) : null,
            ["enriched"] = enriched ? new JsonObject { ["job_title"] = Pick(Texts) } : null,
            ["providers"] = new JsonArray([.. Enumerable.Range(0, _random.Next(4)).Select(_ => (JsonNode?)Provider())]),
            ["credits"] = new JsonObject { ["data_credits"] = enriched ? credits : 0, ["actions"] = _random.Next(1, 6) },
        };
        for (var noise = _random.Next(6); noise > 0; noise--)
        {
            Noise(body);
        }

        return body;
    }

    private JsonObject Provider() => new()
    {
        ["provider"] = Pick(Providers),
        ["result"] = Pick(Results),
        ["data_credits"] = _random.Next(3),
        ["latency_ms"] = _random.Next(5) == 0 ? null : _random.Next(2000),
    };

    private void Noise(JsonObject body)
    {
        var credits = body["credits"] as JsonObject;
        switch (_random.Next(16))
        {
            case 0: body.Remove(Pick(["email", "status", "successful_provider", "enriched", "providers", "credits"])); break;
            case 1: body[Pick(["email", "status", "successful_provider", "enriched", "providers", "credits", "claybus_trace"])] = null; break;
            case 2: body["status"] = Pick<JsonNode?>([42, new JsonArray(), new JsonObject(), "ENRICHED", "done", true]); break;
            case 3: body["providers"] = Pick<JsonNode?>(["apollo", new JsonObject { ["provider"] = "apollo" }, 5, new JsonArray(3, "x", null, new JsonArray())]); break;
            case 4 when body["providers"] is JsonArray { Count: > 0 } list && list[0] is JsonObject first: first["latency_ms"] = Pick<JsonNode?>([null, "1200", "soon", -5, 1e300, new JsonArray(1), true]); break;
            case 5 when credits is not null: credits["data_credits"] = credits["data_credits"]!.ToJsonString(); break;
            case 6 when credits is not null: credits["actions"] = Pick<JsonNode?>([null, "3", "lots", 2.5, new JsonObject()]); break;
            case 7: body["credits"] = Pick<JsonNode?>([new JsonArray(1, 2), "5", 7]); break;
            case 8: body["enriched"] = Nested(_random.Next(1, 120)); break;
            case 9: body["email"] = string.Concat(Enumerable.Repeat(Pick(["x", "é", "🦄"]), _random.Next(1_000, 20_000))); break;
            case 10: body["successful_provider"] = Pick<JsonNode?>([7, new JsonArray("apollo"), "", new string('p', 500)]); break;
            case 11: body["claybus_trace"] = Pick<JsonNode?>(["00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "garbage", 12]); break;
            case 12: body[Pick(Texts) + "\u00e9\u4e2d"] = Pick(Texts); break;
            case 13: body["enriched"] = new JsonArray(Pick(Texts), 1, null); break;
            case 14 when body["providers"] is JsonArray { Count: > 0 } list: list.Add(Pick<JsonNode?>([null, 3, "x", new JsonObject { ["provider"] = 5 }])); break;
            default: body["extra"] = new JsonObject { ["deep"] = new JsonArray(Pick(Texts), Pick(Texts)) }; break;
        }
    }

    /// <summary>A charge no table can cost: negative, beyond the per-row limits, or out of any number's range.</summary>
    private JsonObject Absurd(JsonObject body)
    {
        body["credits"] = _random.Next(6) switch
        {
            0 => new JsonObject { ["data_credits"] = 40_000, ["actions"] = 3 },
            1 => new JsonObject { ["data_credits"] = -1, ["actions"] = 3 },
            2 => new JsonObject { ["data_credits"] = "-2.5", ["actions"] = 1 },
            3 => new JsonObject { ["data_credits"] = 1, ["actions"] = 5_000 },
            4 => new JsonObject { ["data_credits"] = 1, ["actions"] = -1 },
            _ => new JsonObject { ["data_credits"] = "1e400", ["actions"] = 1 },
        };
        return body;
    }

    private FuzzCase Case(int index, string table, JsonObject body, FuzzExpect expect, FuzzRow? row, string shape) =>
        Case(index, table, Encoding.UTF8.GetBytes(WithDuplicateKeys(Serialize(body))), expect, row, shape);

    private static FuzzCase Case(int index, string table, byte[] body, FuzzExpect expect, FuzzRow? row, string shape) => new(index, table, body, expect, row, shape);

    /// <summary>Sometimes repeats fields that identify nothing (the receiver may take either copy).</summary>
    private string WithDuplicateKeys(string json) =>
        _random.Next(5) != 0 || !json.StartsWith('{') ? json
        : "{" + Pick(["\"email\":\"\\ud800\",", "\"status\":7,", "\"providers\":{},", "\"enriched\":[],", "\"latency_ms\":null,"]) + json[1..];

    private static JsonNode Nested(int depth)
    {
        JsonNode node = "bottom";
        for (var i = 0; i < depth; i++)
        {
            node = i % 2 == 0 ? new JsonObject { ["n"] = node } : new JsonArray(node);
        }

        return node;
    }

    private static string Without(JsonObject body, string field)
    {
        body.Remove(field);
        return Serialize(body);
    }

    private static string With(JsonObject body, string field, JsonNode? value)
    {
        body[field] = value;
        return Serialize(body);
    }

    private static string Serialize(JsonObject body) => body.ToJsonString(Raw);

    private T Pick<T>(IReadOnlyList<T> items) => items[_random.Next(items.Count)];
}
