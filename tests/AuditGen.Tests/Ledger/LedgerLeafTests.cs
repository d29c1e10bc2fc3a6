using System.Text;
using AuditGen.Ledger;

namespace AuditGen.Tests.Ledger;

public class LedgerLeafTests
{
    private static readonly byte[] s_json = """{"action":"team.created"}"""u8.ToArray();

    [Fact]
    public void The_entry_is_the_version_line_the_time_the_index_and_each_field_length_prefixed_in_order()
    {
        var entry = LedgerLeaf.Encode(0x0102030405060708, 0x1112131415161718, "ev", "org_é", "a", s_json, "", null);

        var expected = new List<byte>("auditgen/leaf/v1\n"u8.ToArray());
        expected.AddRange(new byte[] { 1, 2, 3, 4, 5, 6, 7, 8 });
        expected.AddRange(new byte[] { 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18 });
        foreach (var field in new[] { "ev"u8.ToArray(), Encoding.UTF8.GetBytes("org_é"), "a"u8.ToArray(), s_json, [], [] })
        {
            expected.AddRange(new byte[] { 0, 0, (byte)(field.Length >> 8), (byte)field.Length });
            expected.AddRange(field);
        }

        Assert.Equal(expected.ToArray(), entry);
    }

    [Fact]
    public void Records_that_differ_only_in_where_a_field_ends_or_in_their_position_have_different_leaves()
    {
        // Without length prefixes these two would concatenate to the same bytes.
        var first = LedgerLeaf.Hash(1, 0, "ev", "org_ab", "c", s_json, "", null);
        var second = LedgerLeaf.Hash(1, 0, "ev", "org_a", "bc", s_json, "", null);
        var rejected = LedgerLeaf.Hash(1, 0, "ev", "org_ab", "c", s_json, "", "");
        var noted = LedgerLeaf.Hash(1, 0, "ev", "org_ab", "c", s_json, "/metadata/note: truncated", null);

        Assert.NotEqual(first, second);
        Assert.Equal(first, rejected);
        Assert.NotEqual(first, noted);
        Assert.NotEqual(first, LedgerLeaf.Hash(1, 1, "ev", "org_ab", "c", s_json, "", null));
        Assert.Equal(MerkleHash.Leaf(LedgerLeaf.Encode(1, 0, "ev", "org_ab", "c", s_json, "", null)), first);
    }
}
