using System.Text;
using ClayBus.Submitter.Ingest;

namespace ClayBus.Submitter.Tests.Ingest;

public class JsonRowCountSpecs
{
    [Theory]
    [InlineData("{\"rows\": [{\"email\": \"a@b.com\"}, {\"email\": \"c@d.com\", \"tags\": [1, [2], {\"x\": 3}]}, null]}", 3)]
    [InlineData("{\"table\": \"auto\", \"Rows\": [{}, {}], \"priority\": \"high\"}", 2)]
    [InlineData("{\"rows\": [{}], \"rows\": [{}, {}, {}, {}]}", 4)]
    [InlineData("{\"rows\": []}", 0)]
    public void Should_count_the_rows_the_deserializer_would_read(string json, int expected) =>
        Assert.Equal(expected, JsonRowCount.Of(Encoding.UTF8.GetBytes(json), 100));

    [Theory]
    [InlineData("{\"rows\": [")]
    [InlineData("{\"rows\": \"everyone\"}")]
    [InlineData("[{\"email\": \"a@b.com\"}]")]
    [InlineData("{\"table\": \"auto\"}")]
    public void Should_leave_a_body_without_a_rows_array_to_the_deserializer(string json) =>
        Assert.Null(JsonRowCount.Of(Encoding.UTF8.GetBytes(json), 100));

    [Fact]
    public void Should_stop_counting_one_past_the_limit()
    {
        var json = "{\"rows\": [" + string.Join(",", Enumerable.Repeat("{\"email\": \"a@b.com\"}", 100_000)) + "]}";

        Assert.Equal(11, JsonRowCount.Of(Encoding.UTF8.GetBytes(json), 10));
    }
}
