using System.Net;
using System.Reflection;
using System.Text;
using AuditGen.Ledger;
using AuditGen.Tests.Processes;

namespace AuditGen.Witness.Tests;

/// <summary>
/// The witness as its own process, on 127.0.0.1, with its own SQLite file and key, answering <c>add-checkpoint</c> as
/// <c>c2sp.org/tlog-witness</c> says for each case.
/// </summary>
public sealed class WitnessProtocolTests : IAsyncLifetime
{
    private readonly string _directory = Directory.CreateTempSubdirectory("auditgen-witness-").FullName;
    private readonly string _witnessKey = Cosigner.Generate("witness.test/w1");
    private readonly string _logKey = NoteSigner.Generate("example.com/audit");
    private readonly TestLog _log = new();
    private WebAppProcess _witness = null!;

    public async Task InitializeAsync() => _witness = await StartWitnessAsync();

    public async Task DisposeAsync()
    {
        await _witness.DisposeAsync();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task A_first_checkpoint_and_a_consistent_later_one_are_cosigned_with_the_published_key_and_the_time()
    {
        _log.Grow(5);
        var first = await AddAsync(0, [], _log.Checkpoint(_logKey));
        _log.Grow(12);
        var second = await AddAsync(5, _log.ConsistencyProof(5), _log.Checkpoint(_logKey));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK), (first.Status, second.Status));
        using var client = new HttpClient { BaseAddress = _witness.BaseAddress };
        var published = await client.GetStringAsync("/");
        var verifierText = published.Split('\n').Single(line => line.StartsWith("verifier key: ", StringComparison.Ordinal))["verifier key: ".Length..];
        Assert.True(CosignatureVerifier.TryParse(verifierText, out var verifier, out var problem), problem);
        var cosignature = verifier!.Verify(_log.CheckpointText(), [second.Body.TrimEnd('\n')]);
        Assert.NotNull(cosignature);
        Assert.InRange(cosignature.Timestamp, DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        // The cosignature is over the checkpoint's text: another text does not verify under it.
        Assert.Null(verifier.Verify(_log.CheckpointText().Replace("example.com", "example.org", StringComparison.Ordinal), [second.Body.TrimEnd('\n')]));
    }

    [Fact]
    public async Task A_stale_old_size_is_a_conflict_that_names_the_size_the_witness_holds_and_a_restart_keeps_it()
    {
        _log.Grow(7);
        Assert.Equal(HttpStatusCode.OK, (await AddAsync(0, [], _log.Checkpoint(_logKey))).Status);
        await _witness.DisposeAsync();
        _witness = await StartWitnessAsync();

        _log.Grow(9);
        var stale = await AddAsync(0, [], _log.Checkpoint(_logKey));

        Assert.Equal(HttpStatusCode.Conflict, stale.Status);
        Assert.Equal("text/x.tlog.size", stale.ContentType);
        Assert.Equal("7\n", stale.Body);
    }

    [Fact]
    public async Task A_smaller_tree_a_fork_of_the_same_size_and_a_proof_that_does_not_hold_are_refused()
    {
        _log.Grow(10);
        Assert.Equal(HttpStatusCode.OK, (await AddAsync(0, [], _log.Checkpoint(_logKey))).Status);

        var rolledBack = await AddAsync(10, [], new TestLog().Grow(8).Checkpoint(_logKey));
        var fork = await AddAsync(10, [], new TestLog(seed: 2).Grow(10).Checkpoint(_logKey));
        var forkedLater = new TestLog(seed: 3).Grow(16);
        var badProof = await AddAsync(10, forkedLater.ConsistencyProof(10), forkedLater.Checkpoint(_logKey));

        Assert.Equal(HttpStatusCode.BadRequest, rolledBack.Status);
        Assert.Equal((HttpStatusCode.Conflict, "10\n"), (fork.Status, fork.Body));
        Assert.Equal(HttpStatusCode.UnprocessableEntity, badProof.Status);

        // Refusals change nothing: the honest log still continues from 10.
        _log.Grow(11);
        Assert.Equal(HttpStatusCode.OK, (await AddAsync(10, _log.ConsistencyProof(10), _log.Checkpoint(_logKey))).Status);
    }

    [Fact]
    public async Task An_unknown_log_is_not_found_and_a_checkpoint_signed_by_another_key_is_forbidden()
    {
        _log.Grow(3);
        var unknown = await AddAsync(0, [], _log.Checkpoint(NoteSigner.Generate("other.example/log")));
        var forged = await AddAsync(0, [], _log.Checkpoint(NoteSigner.Generate("example.com/audit")));
        var malformed = await PostAsync("old 01\n\n" + _log.Checkpoint(_logKey));

        Assert.Equal(HttpStatusCode.NotFound, unknown.Status);
        Assert.Equal(HttpStatusCode.Forbidden, forged.Status);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.Status);
    }

    private async Task<WebAppProcess> StartWitnessAsync()
    {
        var path = typeof(WitnessProtocolTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "WitnessPath").Value!;
        Assert.True(NoteSigner.TryParse(_logKey, out var log, out _));
        return await WebAppProcess.StartAsync(
            path,
            new Dictionary<string, string>
            {
                ["Witness__SigningKey"] = _witnessKey,
                ["Witness__Logs__0"] = log!.Verifier.ToString(),
                ["Witness__Database"] = Path.Combine(_directory, "witness.db"),
            },
            "/");
    }

    private Task<Answer> AddAsync(long oldSize, IReadOnlyList<byte[]> proof, string checkpoint) =>
        PostAsync($"old {oldSize}\n" + string.Concat(proof.Select(static hash => Convert.ToBase64String(hash) + "\n")) + "\n" + checkpoint);

    private async Task<Answer> PostAsync(string body)
    {
        using var client = new HttpClient { BaseAddress = _witness.BaseAddress };
        using var response = await client.PostAsync("/add-checkpoint", new StringContent(body, Encoding.UTF8, "text/plain"));
        return new Answer(response.StatusCode, response.Content.Headers.ContentType?.MediaType, await response.Content.ReadAsStringAsync());
    }

    private sealed record Answer(HttpStatusCode Status, string? ContentType, string Body);

    /// <summary>A log kept in memory: its leaves' tree, checkpoints signed with a given key, consistency proofs.</summary>
    private sealed class TestLog(int seed = 1)
    {
        private readonly Dictionary<MerkleNode, byte[]> _nodes = [];
        private readonly MerkleFrontier _frontier = MerkleFrontier.Empty();

        public long Size { get; private set; }

        public TestLog Grow(long size)
        {
            for (; Size < size; Size++)
            {
                _frontier.Append(MerkleHash.Leaf(Encoding.UTF8.GetBytes($"leaf {seed} {Size}")), (node, hash) => _nodes.Add(node, hash));
            }

            return this;
        }

        public string CheckpointText() => new Checkpoint("example.com/audit", Size, MerkleTree.Root(Size, node => _nodes[node])).ToNoteText();

        public string Checkpoint(string signingKey)
        {
            Assert.True(NoteSigner.TryParse(signingKey, out var signer, out _));
            using (signer)
            {
                var text = new Checkpoint(signer!.Name, Size, MerkleTree.Root(Size, node => _nodes[node])).ToNoteText();
                return SignedNote.Sign(text, signer);
            }
        }

        public byte[][] ConsistencyProof(long oldSize) => MerkleTree.ConsistencyProof(oldSize, Size).Assemble(node => _nodes[node]);
    }
}
