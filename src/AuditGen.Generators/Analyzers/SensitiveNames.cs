namespace AuditGen.Generators.Analyzers;

/// <summary>Names that suggest a value must never sit in an audit log.</summary>
internal static class SensitiveNames
{
    private static readonly (string Fragment, string Meaning)[] s_fragments =
    [
        ("password", "a password"),
        ("passwd", "a password"),
        ("passphrase", "a password"),
        ("secret", "a secret"),
        ("token", "a token"),
        ("apikey", "an API key"),
        ("privatekey", "a private key"),
        ("accesskey", "an access key"),
        ("cardnumber", "a card number"),
        ("creditcard", "a card number"),
        ("cvv", "a card security code"),
        ("cvc", "a card security code"),
        ("ssn", "a social security number"),
        ("socialsecurity", "a social security number"),
    ];

    /// <summary>What the name looks like, or <see langword="null"/> when it looks harmless.</summary>
    public static string? Classify(string name)
    {
        var normalized = new string(name.Where(char.IsLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        foreach (var (fragment, meaning) in s_fragments)
        {
            if (normalized.Contains(fragment))
            {
                return meaning;
            }
        }

        return null;
    }
}
