using System.Collections.Immutable;
using System.Text;
using AuditGen.Generators.Model;

namespace AuditGen.Generators.Emitting;

/// <summary>
/// Writes the WorkOS schema of every action (the body of <c>POST /audit_logs/actions/{action}/schemas</c>),
/// as one JSON object keyed by action, sorted, compact, the same for the same models. Actions that
/// declare no target are left out: WorkOS schemas need at least one target type.
/// </summary>
/// <remarks>
/// Every audited HTTP event also carries <c>outcome</c> (string), <c>status_code</c> (number), after an exception
/// <c>exception</c> (string), and when authorization refused it <c>authorization</c> (string) in its metadata, so each
/// schema declares them.
/// </remarks>
internal static class WorkOsSchemaEmitter
{
    private static readonly (string Key, string Type)[] s_requestKeys = [("authorization", "string"), ("exception", "string"), ("outcome", "string"), ("status_code", "number")];

    public static string Emit(ImmutableArray<AuditSiteSpec> sites)
    {
        var json = new StringBuilder("{");
        var firstAction = true;
        foreach (var group in sites.GroupBy(s => s.Action).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            // Sites in a fixed order, so that when they disagree on a key's type (AG0008) the same one wins every build.
            var action = group.OrderBy(s => s.SourceFilePath, StringComparer.Ordinal).ThenBy(s => s.SourceLineNumber).ToArray();
            var captures = action.SelectMany(s => s.Handlers).SelectMany(h => h.Captures).ToArray();
            var keys = captures.Where(c => c.Role == CaptureRole.Metadata).Select(c => (Owner: c.MetadataOwner, Key: c.Name, c.Value.Kind))
                .Concat(action.SelectMany(s => s.Constants).Select(c => (c.Owner, c.Key, c.Kind)))
                .GroupBy(k => (k.Owner, k.Key))
                .Select(g => (g.Key.Owner, g.Key.Key, Type: JsonType(g.First().Kind)))
                .ToArray();
            var targets = captures.Where(c => c.Role == CaptureRole.Target).Select(c => c.Name).Distinct().OrderBy(t => t, StringComparer.Ordinal).ToArray();
            if (targets.Length == 0)
            {
                // WorkOS schemas need at least one target type (AG0014 tells the user).
                continue;
            }

            json.Append(firstAction ? "" : ",").Append(Quote(group.Key)).Append(":{");
            firstAction = false;
            var actorKeys = keys.Where(k => k.Owner == "actor").Select(k => (k.Key, k.Type)).ToArray();
            if (actorKeys.Length > 0)
            {
                json.Append("\"actor\":{\"metadata\":").Append(ObjectSchema(actorKeys)).Append("},");
            }

            json.Append("\"targets\":[");
            var firstTarget = true;
            foreach (var target in targets)
            {
                json.Append(firstTarget ? "" : ",").Append("{\"type\":").Append(Quote(target));
                firstTarget = false;
                var targetKeys = keys.Where(k => k.Owner == "target:" + target).Select(k => (k.Key, k.Type)).ToArray();
                if (targetKeys.Length > 0)
                {
                    json.Append(",\"metadata\":").Append(ObjectSchema(targetKeys));
                }

                json.Append('}');
            }

            var eventKeys = keys.Where(k => k.Owner == "event").Select(k => (k.Key, k.Type)).Concat(s_requestKeys).GroupBy(k => k.Key).Select(g => g.First());
            json.Append("],\"metadata\":").Append(ObjectSchema(eventKeys)).Append('}');
        }

        return json.Append('}').ToString();
    }

    private static string ObjectSchema(IEnumerable<(string Key, string Type)> keys)
    {
        var properties = keys.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{Quote(k.Key)}:{{\"type\":\"{k.Type}\"}}");
        return "{\"type\":\"object\",\"properties\":{" + string.Join(",", properties) + "}}";
    }

    private static string JsonType(ValueKind kind) => kind switch
    {
        ValueKind.WholeNumber or ValueKind.UnsignedWholeNumber or ValueKind.Number => "number",
        ValueKind.Boolean => "boolean",
        _ => "string",
    };

    private static string Quote(string value)
    {
        var builder = new StringBuilder("\"");
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case < ' ':
                    builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        return builder.Append('"').ToString();
    }
}
