namespace AuditGen.Sinks;

/// <summary>
/// Text a destination sent back (an error body, an exception's message) before AuditGen stores or logs it as a reason.
/// A destination may echo a request's credentials (an <c>Authorization</c> header quoted in an error message), so every
/// credential the sink sent is cut out first; and the text is bounded.
/// </summary>
internal static class DestinationText
{
    public const string Redacted = "[redacted]";

    /// <summary><paramref name="text"/> without any of <paramref name="credentials"/>, and at most <paramref name="maxLength"/> characters.</summary>
    public static string Scrub(string text, int maxLength, params ReadOnlySpan<string?> credentials)
    {
        foreach (var credential in credentials)
        {
            // A credential shorter than 8 characters would cut out ordinary words; none that a destination issues is.
            if (credential is { Length: >= 8 })
            {
                text = text.Replace(credential, Redacted, StringComparison.Ordinal);
            }
        }

        return text.Length <= maxLength ? text : text[..maxLength] + "…";
    }
}
