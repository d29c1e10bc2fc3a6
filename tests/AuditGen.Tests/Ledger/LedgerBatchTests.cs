using System.Text;
using AuditGen.Ledger;

namespace AuditGen.Tests.Ledger;

public class LedgerBatchTests
{
    [Fact]
    public void A_batch_reads_back_every_field_of_every_entry_including_missing_ones()
    {
        LedgerEntry[] entries =
        [
            new("01a2-ev", "org_é", "team.created", 1_764_000_000_123, "user_1", "Ada", ["team", "user"], Encoding.UTF8.GetBytes("""{"action":"team.created"}"""), "/metadata/a: truncated", "too long"),
            new("01a2-ev2", "", "user.signed_in", -5, "", null, [], Array.Empty<byte>(), "", null),
        ];

        var (buffer, length) = LedgerBatch.EncodeRented(entries);
        List<LedgerEntry> read;
        try
        {
            read = LedgerBatch.Decode(buffer.AsMemory(0, length).ToArray());
            Assert.Equal(2, LedgerBatch.Count(buffer.AsSpan(0, length)));
        }
        finally
        {
            LedgerBatch.Return(buffer);
        }

        Assert.Equal(entries.Length, read.Count);
        for (var i = 0; i < entries.Length; i++)
        {
            Assert.Equal(
                (entries[i].EventId, entries[i].Partition, entries[i].Action, entries[i].OccurredAt, entries[i].ActorId, entries[i].ActorName, entries[i].Adjustments, entries[i].Rejection),
                (read[i].EventId, read[i].Partition, read[i].Action, read[i].OccurredAt, read[i].ActorId, read[i].ActorName, read[i].Adjustments, read[i].Rejection));
            Assert.Equal(entries[i].TargetTypes, read[i].TargetTypes);
            Assert.Equal(entries[i].EventJson.ToArray(), read[i].EventJson.ToArray());
        }
    }

    [Fact]
    public void A_cut_or_foreign_blob_is_refused_rather_than_read_wrongly()
    {
        var (buffer, length) = LedgerBatch.EncodeRented([new("ev", "org", "a", 0, "u", null, [], "{}"u8.ToArray(), "", null)]);
        var blob = buffer.AsSpan(0, length).ToArray();
        LedgerBatch.Return(buffer);

        Assert.Throws<InvalidDataException>(() => LedgerBatch.Decode(blob.AsMemory(0, blob.Length - 3)));
        Assert.Throws<InvalidDataException>(() => LedgerBatch.Decode(new byte[] { 9, 0, 0, 0, 1 }));
    }
}
