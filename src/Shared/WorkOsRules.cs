// This file is compiled into both the runtime library (AuditGen) and the build-time
// analyzer (AuditGen.Generators), so that a rule checked while the user types and the
// same rule checked at run time can never disagree. Keep it free of APIs newer than
// netstandard2.0.

namespace AuditGen;

/// <summary>WorkOS Audit Log limits, as the WorkOS API enforces them.</summary>
internal static class WorkOsRules
{
    /// <summary>At most this many keys in one metadata object (event root, actor, or one target).</summary>
    public const int MaxMetadataKeys = 50;

    /// <summary>A metadata key is 1 to this many characters of <c>[a-zA-Z0-9_-]</c>.</summary>
    public const int MaxMetadataKeyLength = 40;

    /// <summary>A string metadata value has at most this many UTF-16 characters.</summary>
    /// <remarks>
    /// WorkOS validates with JSON Schema <c>maxLength</c>, which counts code points. Counting
    /// UTF-16 code units is the strict reading: a value within this limit is within WorkOS's.
    /// </remarks>
    public const int MaxStringValueLength = 500;

    /// <summary>Action names longer than this are refused as absurd (WorkOS states no limit).</summary>
    public const int MaxActionLength = 200;

    public static MetadataKeyProblem CheckMetadataKey(string? key)
    {
        if (key is null || key.Length == 0)
        {
            return MetadataKeyProblem.Empty;
        }

        if (key.Length > MaxMetadataKeyLength)
        {
            return MetadataKeyProblem.TooLong;
        }

        foreach (var c in key)
        {
            if (!IsKeyCharacter(c))
            {
                return MetadataKeyProblem.InvalidCharacter;
            }
        }

        return MetadataKeyProblem.None;
    }

    public static bool IsStringValueTooLong(string value) => value.Length > MaxStringValueLength;

    /// <summary>Cuts a string to <see cref="MaxStringValueLength"/> without splitting a surrogate pair.</summary>
    public static string TruncateStringValue(string value)
    {
        if (!IsStringValueTooLong(value))
        {
            return value;
        }

        var length = MaxStringValueLength;
        if (char.IsHighSurrogate(value[length - 1]))
        {
            length--;
        }

        return value.Substring(0, length);
    }

    public static bool HasTooManyKeys(int keyCount) => keyCount > MaxMetadataKeys;

    /// <summary>
    /// AuditGen's naming convention for actions: <c>resource.past_tense_verb</c>, at least two
    /// dot-separated segments of <c>[a-z][a-z0-9_]*</c>. WorkOS itself accepts any non-empty string,
    /// so only the analyzer enforces the convention; the run-time pipeline checks emptiness only.
    /// </summary>
    public static ActionNameProblem CheckActionName(string? action)
    {
        if (action is null || action.Length == 0)
        {
            return ActionNameProblem.Empty;
        }

        if (action.Length > MaxActionLength)
        {
            return ActionNameProblem.TooLong;
        }

        var segments = 0;
        var segmentStart = true;
        foreach (var c in action)
        {
            if (c == '.')
            {
                if (segmentStart)
                {
                    return ActionNameProblem.NotConventional;
                }

                segmentStart = true;
                continue;
            }

            var valid = segmentStart ? c is >= 'a' and <= 'z' : c is >= 'a' and <= 'z' or >= '0' and <= '9' or '_';
            if (!valid)
            {
                return ActionNameProblem.NotConventional;
            }

            if (segmentStart)
            {
                segments++;
                segmentStart = false;
            }
        }

        return segmentStart || segments < 2 ? ActionNameProblem.NotConventional : ActionNameProblem.None;
    }

    private static bool IsKeyCharacter(char c) =>
        c is >= 'a' and <= 'z' or >= 'A' and <= 'Z' or >= '0' and <= '9' or '_' or '-';
}

internal enum MetadataKeyProblem
{
    None,
    Empty,
    TooLong,
    InvalidCharacter,
}

internal enum ActionNameProblem
{
    None,
    Empty,
    TooLong,
    NotConventional,
}
