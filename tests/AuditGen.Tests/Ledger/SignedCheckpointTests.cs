using AuditGen.Ledger;

namespace AuditGen.Tests.Ledger;

public class SignedCheckpointTests
{
    // The example key and note of Go's golang.org/x/mod/sumdb/note, the reference implementation of c2sp.org/signed-note.
    private const string ReferenceSignerKey = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    private const string ReferenceVerifierKey = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    private const string ReferenceText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
    private const string ReferenceNote = ReferenceText + "\n\u2014 PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";

    [Fact]
    public void Keys_and_signatures_match_the_reference_implementation_byte_for_byte()
    {
        Assert.True(NoteSigner.TryParse(ReferenceSignerKey, out var signer, out var problem), problem);
        using (signer)
        {
            Assert.Equal(ReferenceVerifierKey, signer!.Verifier.ToString());
            Assert.Equal(ReferenceNote, SignedNote.Sign(ReferenceText, signer));
        }

        Assert.True(NoteVerifier.TryParse(ReferenceVerifierKey, out var verifier, out problem), problem);
        var opened = SignedNote.Open(ReferenceNote, [verifier!]);
        Assert.True(opened.IsVerified, opened.Problem);
        Assert.Equal(ReferenceText, opened.Text);
    }

    [Fact]
    public void A_signed_checkpoint_opens_with_the_log_key_and_records_a_witness_cosignature_beside_it()
    {
        using var log = Signer("audit.example.com/log");
        using var witness = Signer("witness.example.net");
        var checkpoint = new Checkpoint("audit.example.com/log", 1_000_000, MerkleHash.Leaf([42]));
        var text = checkpoint.ToNoteText();

        var note = SignedNote.Sign(text, log) + witness.SignatureLine(text)[..];

        var opened = SignedNote.Open(note, [log.Verifier, witness.Verifier]);
        Assert.True(opened.IsVerified, opened.Problem);
        Assert.Equal([log.Verifier, witness.Verifier], opened.VerifiedBy);
        Assert.True(Checkpoint.TryParse(opened.Text!, out var parsed, out var problem), problem);
        Assert.Equal((checkpoint.Origin, checkpoint.Size), (parsed!.Origin, parsed.Size));
        Assert.Equal(checkpoint.RootHash, parsed.RootHash);
        Assert.True(SignedNote.Open(note, [log.Verifier]).IsVerified, "a signature by a key the reader does not know is ignored");
    }

    [Theory]
    [InlineData("text")]
    [InlineData("signature")]
    [InlineData("unsigned")]
    [InlineData("stranger")]
    public void A_changed_or_unsigned_checkpoint_is_refused(string tampering)
    {
        using var log = Signer("audit.example.com/log");
        using var stranger = Signer("audit.example.com/log");
        var text = new Checkpoint("audit.example.com/log", 7, MerkleHash.Leaf([7])).ToNoteText();
        var note = SignedNote.Sign(text, log);
        var tampered = tampering switch
        {
            "text" => note.Replace("\n7\n", "\n6\n", StringComparison.Ordinal),
            "signature" => note[..^6] + (note[^6] == 'A' ? 'B' : 'A') + note[^5..],
            "unsigned" => text + "\n",
            _ => SignedNote.Sign(text, stranger),
        };

        var opened = SignedNote.Open(tampered, [log.Verifier]);

        Assert.False(opened.IsVerified);
        Assert.Null(opened.Text);
    }

    [Theory]
    [InlineData("origin\n7\n", "a checkpoint has an origin, a size and a root hash line")]
    [InlineData("origin\n07\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "the size line '07' is not a decimal number without leading zeros")]
    [InlineData("origin\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "the size line '-1' is not a decimal number without leading zeros")]
    [InlineData("origin\n7\nAAAA\n", "the root hash line is not the base64 of 32 bytes")]
    [InlineData("\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n", "the origin line is empty")]
    [InlineData("origin\n7\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=", "a checkpoint ends with a newline")]
    public void A_malformed_checkpoint_says_what_is_wrong(string text, string expected)
    {
        Assert.False(Checkpoint.TryParse(text, out _, out var problem));
        Assert.Equal(expected, problem);
    }

    [Theory]
    [InlineData("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "the key id does not match the name and the public key")]
    [InlineData("PeterNeumann+c74f20a3+AhpcMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "the key is not a base64 Ed25519 key (type 0x01 and 32 bytes)")]
    [InlineData("Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW", "a key is written name+hex key id+base64 key")]
    public void A_malformed_verifier_key_says_what_is_wrong(string key, string expected)
    {
        Assert.False(NoteVerifier.TryParse(key, out _, out var problem));
        Assert.Equal(expected, problem);
    }

    private static NoteSigner Signer(string name)
    {
        Assert.True(NoteSigner.TryParse(NoteSigner.Generate(name), out var signer, out var problem), problem);
        return signer!;
    }
}
