using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace AuditGen.Sinks.Syslog;

/// <summary>
/// A TCP connection to the receiver, over TLS when asked: the receiver's certificate is checked against the system's
/// authorities or a given one, and a client certificate is presented when configured.
/// </summary>
internal sealed class SyslogConnection : IAsyncDisposable
{
    private readonly TcpClient _client;
    private readonly X509Certificate2[] _certificates;

    private SyslogConnection(TcpClient client, Stream stream, X509Certificate2[] certificates)
    {
        _client = client;
        Stream = stream;
        _certificates = certificates;
    }

    public Stream Stream { get; }

    public static async Task<SyslogConnection> OpenAsync(SyslogSinkOptions options, bool tls, CancellationToken cancellationToken)
    {
        var client = new TcpClient { NoDelay = true };
        var certificates = new List<X509Certificate2>();
        try
        {
            await client.ConnectAsync(options.Host!, options.Port, cancellationToken);
            Stream stream = client.GetStream();
            if (tls)
            {
                // Read again on every connection, so that renewed certificate files are picked up.
                var authority = options.TrustedCertificateAuthorityPath is { } path ? X509CertificateLoader.LoadCertificateFromFile(path) : null;
                if (authority is not null)
                {
                    certificates.Add(authority);
                }

                X509Certificate2Collection? clientCertificates = null;
                if (options.ClientCertificatePath is { Length: > 0 } certificatePath)
                {
                    var clientCertificate = X509Certificate2.CreateFromPemFile(certificatePath, options.ClientCertificateKeyPath);
                    certificates.Add(clientCertificate);
                    clientCertificates = [clientCertificate];
                }

                var secure = new SslStream(stream, leaveInnerStreamOpen: false);
                try
                {
                    await secure.AuthenticateAsClientAsync(
                        new SslClientAuthenticationOptions
                        {
                            TargetHost = options.ServerName ?? options.Host,
                            ClientCertificates = clientCertificates,
                            RemoteCertificateValidationCallback = (_, certificate, _, errors) => IsTrusted(certificate, errors, authority),
                        },
                        cancellationToken);
                }
                catch
                {
                    await secure.DisposeAsync();
                    throw;
                }

                stream = secure;
            }

            return new SyslogConnection(client, stream, [.. certificates]);
        }
        catch
        {
            client.Dispose();
            certificates.ForEach(static certificate => certificate.Dispose());
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Stream.DisposeAsync();
        _client.Dispose();
        foreach (var certificate in _certificates)
        {
            certificate.Dispose();
        }
    }

    /// <summary>Trusted by this machine, or issued by the configured authority for the expected name.</summary>
    private static bool IsTrusted(X509Certificate? certificate, SslPolicyErrors errors, X509Certificate2? authority)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        if (authority is null || certificate is null || errors != SslPolicyErrors.RemoteCertificateChainErrors)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var presented = new X509Certificate2(certificate);
        return chain.Build(presented);
    }
}
