namespace AuditGen.Ledger;

/// <summary>A witness as configured: its <c>add-checkpoint</c> prefix and the key its cosignatures verify with.</summary>
internal sealed record WitnessEndpoint(Uri Url, CosignatureVerifier Key)
{
    /// <summary>Reads <c>URL=VERIFIERKEY</c> (the URL holds no <c>=</c>).</summary>
    public static bool TryParse(string text, out WitnessEndpoint? endpoint, out string? problem)
    {
        endpoint = null;
        var split = text.IndexOf('=', StringComparison.Ordinal);
        if (split <= 0 || !Uri.TryCreate(text[..split], UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
        {
            problem = "a witness is written URL=VERIFIERKEY, an http(s) URL then the witness's verifier key";
            return false;
        }

        if (!CosignatureVerifier.TryParse(text[(split + 1)..], out var key, out problem))
        {
            problem = $"the witness at {url} has no witness verifier key after '=': {problem}";
            return false;
        }

        endpoint = new WitnessEndpoint(url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/"), key!);
        return true;
    }
}
