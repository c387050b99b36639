using ClayBus.Enricher.Idempotency;

namespace ClayBus.Enricher.Tests.Idempotency;

/// <summary>How a sent row is packed into its job's claims hash: no I/O.</summary>
public sealed class SentRowPackingSpecs
{
    private const string RowId = "0123456789abcdef0123456789abcdef";

    [Fact]
    public void Should_pack_a_submitter_row_id_as_its_bucket_then_16_bytes()
    {
        var packed = SentRowPacking.Pack(RowId);

        Assert.Equal("s|012"u8.ToArray(), packed[..5]);
        Assert.Equal(Convert.FromHexString(RowId), packed[5..]);
        Assert.Equal("s|012", SentRowPacking.Bucket(RowId));
    }

    [Theory]
    [InlineData("r1")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("0123456789abcdef0123456789abcdeg")]
    [InlineData("0123456789abcdef0123456789abcdef0")]
    public void Should_keep_any_other_id_as_text(string rowId)
    {
        Assert.Empty(SentRowPacking.Pack(rowId));
        Assert.Null(SentRowPacking.Bucket(rowId));
    }

    [Fact]
    public void Should_find_a_row_only_at_a_whole_entry()
    {
        var a = SentRowPacking.Entry("00112233445566778899aabbccddeeff");
        var b = SentRowPacking.Entry("ffeeddccbbaa99887766554433221100");
        // The 16 bytes that straddle a and b are a row id too: it must not read as sent.
        var straddling = Convert.FromHexString("8899aabbccddeeffffeeddccbbaa9988");
        var bucket = SentRowPacking.Add(SentRowPacking.Add([], a), b);

        Assert.True(SentRowPacking.Contains(bucket, a));
        Assert.True(SentRowPacking.Contains(bucket, b));
        Assert.False(SentRowPacking.Contains(bucket, straddling));
        Assert.False(SentRowPacking.Contains([], a));
    }

    [Fact]
    public void Should_add_a_row_once()
    {
        var a = SentRowPacking.Entry(RowId);

        var bucket = SentRowPacking.Add(SentRowPacking.Add([], a), a);

        Assert.Equal(16, bucket.Length);
    }
}
