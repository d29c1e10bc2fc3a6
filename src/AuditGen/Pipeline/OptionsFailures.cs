using System.Globalization;
using Microsoft.Extensions.Options;

namespace AuditGen.Pipeline;

/// <summary>Collects an options validator's failures, each naming the full configuration key and the value it got.</summary>
internal sealed class OptionsFailures(string section)
{
    private readonly List<string> _failures = [];

    public ValidateOptionsResult Result => _failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(_failures);

    public string Key(string property) => $"{section}:{property}";

    public void Add(string failure) => _failures.Add(failure);

    public void InRange(string property, int value, int min, int max)
    {
        if (value < min || value > max)
        {
            _failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Key(property)} must be between {min:N0} and {max:N0} (was {value:N0})."));
        }
    }

    public void Positive(string property, TimeSpan value)
    {
        if (value <= TimeSpan.Zero)
        {
            _failures.Add(string.Create(CultureInfo.InvariantCulture, $"{Key(property)} must be a positive time span such as 00:00:05 (was {value})."));
        }
    }

    public void Base64Key(string property, string? value)
    {
        if (value is not null && !IsKeyOfAtLeast32Bytes(value))
        {
            _failures.Add($"{Key(property)} must be base64 of at least 32 bytes (e.g. the output of `openssl rand -base64 32`).");
        }
    }

    private static bool IsKeyOfAtLeast32Bytes(string base64)
    {
        var buffer = new byte[base64.Length];
        return Convert.TryFromBase64String(base64, buffer, out var length) && length >= 32;
    }
}
