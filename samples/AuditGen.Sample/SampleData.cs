using System.Collections.Concurrent;

namespace AuditGen.Sample;

/// <summary>The sample's in-memory data, kept per organization: enough to make the API behave like one.</summary>
public sealed class SampleData
{
    public ConcurrentDictionary<(string Organization, string TeamId), Team> Teams { get; } = new();

    public ConcurrentDictionary<(string Organization, string InvoiceId), Invoice> Invoices { get; } = new();

    public ConcurrentDictionary<(string Organization, string KeyId), ApiKey> ApiKeys { get; } = new();

    public static string NewId(string prefix) => $"{prefix}_{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}";
}

public sealed record Team(string Id, string Name, ConcurrentDictionary<string, string> Members);

public sealed record Invoice(string Id, string CustomerId, decimal Amount, string Status);

public sealed record ApiKey(string Id, string Name, string Prefix);
