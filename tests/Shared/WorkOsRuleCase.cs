using System.Text.Json;

namespace AuditGen.TestData;

/// <summary>One row of tests/Shared/workos-rule-cases.json, the table both the run-time validator tests and the analyzer tests run.</summary>
public sealed record WorkOsRuleCase(string Kind, string Text, int Repeat, bool Valid, string Description)
{
    private static readonly JsonSerializerOptions s_options = new(JsonSerializerDefaults.Web);

    public string Value => string.Concat(Enumerable.Repeat(Text, Repeat));

    public override string ToString() => $"{Kind}: {Description}";

    public static TheoryData<WorkOsRuleCase> Load(string kind)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Shared", "workos-rule-cases.json");
        var cases = JsonSerializer.Deserialize<WorkOsRuleCase[]>(File.ReadAllText(path), s_options)!;
        var data = new TheoryData<WorkOsRuleCase>();
        foreach (var ruleCase in cases.Where(c => c.Kind == kind))
        {
            data.Add(ruleCase);
        }

        return data;
    }
}
