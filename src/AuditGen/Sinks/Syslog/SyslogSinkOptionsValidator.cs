using AuditGen.Pipeline;
using Microsoft.Extensions.Options;

namespace AuditGen.Sinks.Syslog;

/// <summary>Checks <see cref="SyslogSinkOptions"/> at start-up.</summary>
internal sealed class SyslogSinkOptionsValidator : IValidateOptions<SyslogSinkOptions>
{
    public ValidateOptionsResult Validate(string? name, SyslogSinkOptions options)
    {
        var failures = new OptionsFailures(SyslogSinkOptions.SectionName);
        if (string.IsNullOrWhiteSpace(options.Host))
        {
            failures.Add($"{failures.Key(nameof(options.Host))} is not set: the syslog sink needs the receiver's host.");
        }

        failures.InRange(nameof(options.Port), options.Port, 1, 65_535);
        if (!Enum.IsDefined(options.Transport))
        {
            failures.Add($"{failures.Key(nameof(options.Transport))} must be Tls or Relp.");
        }

        if (options.TrustedCertificateAuthorityPath is { } path && !File.Exists(path))
        {
            failures.Add($"{failures.Key(nameof(options.TrustedCertificateAuthorityPath))} names no file ({path}).");
        }

        if (string.IsNullOrEmpty(options.ClientCertificatePath) != string.IsNullOrEmpty(options.ClientCertificateKeyPath))
        {
            failures.Add($"{failures.Key(nameof(options.ClientCertificatePath))} and {failures.Key(nameof(options.ClientCertificateKeyPath))} are set together or not at all.");
        }

        foreach (var (property, file) in new[] { (nameof(options.ClientCertificatePath), options.ClientCertificatePath), (nameof(options.ClientCertificateKeyPath), options.ClientCertificateKeyPath) })
        {
            if (!string.IsNullOrEmpty(file) && !File.Exists(file))
            {
                failures.Add($"{failures.Key(property)} names no file ({file}).");
            }
        }

        failures.InRange(nameof(options.Facility), options.Facility, 0, 23);
        failures.InRange(nameof(options.Severity), options.Severity, 0, 7);
        failures.InRange(nameof(options.MaxMessageSize), options.MaxMessageSize, 480, 1024 * 1024);
        CheckHeaderField(failures, nameof(options.AppName), options.AppName, 48);
        if (options.Hostname is not null)
        {
            CheckHeaderField(failures, nameof(options.Hostname), options.Hostname, 255);
        }

        StreamSinkOptionsChecks.Check(failures, options, 10_000);
        return failures.Result;
    }

    /// <summary>RFC 5424 header fields are 1 to <paramref name="maxLength"/> printable ASCII characters.</summary>
    private static void CheckHeaderField(OptionsFailures failures, string property, string value, int maxLength)
    {
        if (value.Length is 0 || value.Length > maxLength || value.Any(static c => c is < '!' or > '~'))
        {
            failures.Add($"{failures.Key(property)} must be 1 to {maxLength} printable ASCII characters without spaces (RFC 5424).");
        }
    }
}
