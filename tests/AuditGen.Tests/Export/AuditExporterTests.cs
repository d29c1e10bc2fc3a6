using System.Text;
using AuditGen.Events;
using AuditGen.Export;
using AuditGen.Pipeline;
using AuditGen.Tests.Stores;

namespace AuditGen.Tests.Export;

public sealed class AuditExporterTests : IDisposable
{
    private static readonly string[] s_hostile =
    [
        "=HYPERLINK(\"http://evil.example\",\"click\")", "+1+1", "-2", "@SUM(A1)", "\tTabbed", "\rReturn",
        "say \"hi\"", "comma, inside", "line\nbreak", "Zoë ✓ 😀", "plain",
    ];

    private readonly TempDatabase _database = new();

    [Fact]
    public async Task Csv_export_of_hostile_values_reads_back_safely_with_formulas_neutralised()
    {
        using var store = _database.Open();
        await store.AppendAsync(s_hostile.Select(name => Entry(name)).ToArray(), CancellationToken.None);
        using var output = new MemoryStream();

        var count = await AuditExporter.ExportAsync(store, new AuditQuery(), AuditExportFormat.Csv, output, CancellationToken.None);

        var rows = CsvReader.Parse(Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(s_hostile.Length, count);
        Assert.Equal(AuditExporter.CsvColumns, rows[0]);
        var names = rows.Skip(1).Select(row => row[AuditExporter.CsvColumns.ToList().IndexOf("actor_name")]).ToArray();
        var expected = s_hostile.Select(name => name[0] is '=' or '+' or '-' or '@' or '\t' or '\r' ? "'" + name : name);
        Assert.Equal(expected, names);
        Assert.All(rows, row => Assert.Equal(AuditExporter.CsvColumns.Count, row.Count));
    }

    [Fact]
    public async Task Json_and_json_lines_carry_the_stored_WorkOS_JSON_unchanged_with_the_id()
    {
        using var store = _database.Open();
        var entries = new[] { Entry("Ada"), Entry("Grace") };
        await store.AppendAsync(entries, CancellationToken.None);
        using var array = new MemoryStream();
        using var lines = new MemoryStream();

        await AuditExporter.ExportAsync(store, new AuditQuery(), AuditExportFormat.Json, array, CancellationToken.None);
        await AuditExporter.ExportAsync(store, new AuditQuery(), AuditExportFormat.JsonLines, lines, CancellationToken.None);

        var expected = entries.Select(e => $$"""{"id":"{{e.Event.Id}}","organization_id":"org_1","event":{{Encoding.UTF8.GetString(e.EventJson.Span)}}}""").ToArray();
        Assert.Equal("[" + string.Join(",", expected) + "]", Encoding.UTF8.GetString(array.ToArray()));
        Assert.Equal(string.Concat(expected.Select(e => e + "\n")), Encoding.UTF8.GetString(lines.ToArray()));
    }

    [Fact]
    public async Task A_rejected_event_missing_required_members_exports_as_a_row_with_its_reason()
    {
        using var store = _database.Open();
        var rejected = new AuditEventPreparer(OversizedStringValueHandling.Truncate).Prepare(new AuditEvent
        {
            OrganizationId = "org_1",
            Action = "user.signed_in",
            Actor = null!,
            Targets = null!,
            Context = null!,
        });
        await store.AppendAsync([rejected, Entry("Ada")], CancellationToken.None);
        using var output = new MemoryStream();

        var count = await AuditExporter.ExportAsync(store, new AuditQuery(), AuditExportFormat.Csv, output, CancellationToken.None);

        var rows = CsvReader.Parse(Encoding.UTF8.GetString(output.ToArray()));
        Assert.Equal(2, count);
        Assert.Equal("/actor: The actor is required.; /targets: The targets are required (an empty list is allowed).; /context: The context is required.", rows[1][^1]);
        Assert.Equal("", rows[1][AuditExporter.CsvColumns.ToList().IndexOf("actor_id")]);
    }

    [Fact]
    public async Task Export_applies_the_query_filters()
    {
        using var store = _database.Open();
        await store.AppendAsync([Entry("Ada"), Entry("Grace", organization: "org_2")], CancellationToken.None);
        using var output = new MemoryStream();

        var count = await AuditExporter.ExportAsync(store, new AuditQuery { OrganizationId = "org_2" }, AuditExportFormat.JsonLines, output, CancellationToken.None);

        Assert.Equal(1, count);
        Assert.Contains("\"name\":\"Grace\"", Encoding.UTF8.GetString(output.ToArray()), StringComparison.Ordinal);
    }

    public void Dispose() => _database.Dispose();

    private static AuditEntry Entry(string actorName, string organization = "org_1") =>
        new AuditEventPreparer(OversizedStringValueHandling.Truncate).Prepare(new AuditEvent
        {
            OrganizationId = organization,
            Action = "user.signed_in",
            OccurredAt = new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero),
            Actor = new AuditActor { Type = "user", Id = "user_1", Name = actorName },
            Targets = [new AuditTarget { Type = "user", Id = "user_1" }],
            Context = new AuditContext { Location = "127.0.0.1", UserAgent = "tests" },
            Metadata = new AuditMetadata { ["plan"] = "pro", ["seats"] = 3 },
        });
}

/// <summary>An independent RFC 4180 reader, so the test does not read the export with the code that wrote it.</summary>
internal static class CsvReader
{
    public static List<List<string>> Parse(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                row.Add(cell.ToString());
                cell.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(cell.ToString());
                cell.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                cell.Append(c);
            }
        }

        return rows;
    }
}
