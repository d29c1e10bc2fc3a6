using System.Text;

namespace AuditGen.CodeFixes;

/// <summary>Turns names that break WorkOS's rules or AuditGen's convention into ones that keep them.</summary>
internal static class Conventions
{
    /// <summary><c>User.SignedIn</c> → <c>user.signed_in</c>; <see langword="null"/> when no two segments can be made.</summary>
    public static string? ActionName(string action)
    {
        var segments = action.Split('.').Select(SnakeCase).Where(s => s.Length > 0).ToArray();
        var fixedName = string.Join(".", segments);
        return segments.Length >= 2 && WorkOsRules.CheckActionName(fixedName) == ActionNameProblem.None ? fixedName : null;
    }

    /// <summary>Replaces characters WorkOS does not accept with <c>_</c> and shortens to 40; <see langword="null"/> when nothing is left.</summary>
    public static string? MetadataKey(string key)
    {
        var builder = new StringBuilder(key.Length);
        foreach (var c in key.Trim())
        {
            builder.Append(WorkOsRules.CheckMetadataKey(c.ToString()) == MetadataKeyProblem.None ? c : '_');
        }

        var fixedKey = builder.ToString();
        if (fixedKey.Length > WorkOsRules.MaxMetadataKeyLength)
        {
            fixedKey = fixedKey.Substring(0, WorkOsRules.MaxMetadataKeyLength);
        }

        return fixedKey.Trim('_').Length > 0 && WorkOsRules.CheckMetadataKey(fixedKey) == MetadataKeyProblem.None ? fixedKey : null;
    }

    /// <summary><c>SignedIn</c> → <c>signed_in</c>, <c>signed-in</c> → <c>signed_in</c>; a leading digit is dropped.</summary>
    private static string SnakeCase(string segment)
    {
        var builder = new StringBuilder(segment.Length + 4);
        for (var i = 0; i < segment.Length; i++)
        {
            var c = segment[i];
            if (char.IsUpper(c) && i > 0 && (char.IsLower(segment[i - 1]) || char.IsDigit(segment[i - 1])))
            {
                builder.Append('_');
            }

            builder.Append(c is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? c : c is >= 'A' and <= 'Z' ? char.ToLowerInvariant(c) : '_');
        }

        var text = builder.ToString();
        while (text.Contains("__"))
        {
            text = text.Replace("__", "_");
        }

        return text.Trim('_').TrimStart('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '_');
    }
}
