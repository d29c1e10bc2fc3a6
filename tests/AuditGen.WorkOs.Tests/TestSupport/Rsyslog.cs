using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace AuditGen.WorkOs.Tests.TestSupport;

/// <summary>
/// A real rsyslog (Debian's, installed by the test command) on 127.0.0.1: RFC 5425 syslog over TLS on one port and RELP
/// over TLS on another (mutual TLS: it admits the client certificate named auditgen-client), both with certificates this
/// fixture issues from an authority of its own, rsyslog's default
/// 8 KB <c>maxMessageSize</c>, and every message written to a file as <c>APP-NAME MSGID STRUCTURED-DATA MSG</c>.
/// </summary>
internal sealed class Rsyslog : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _directory;

    private Rsyslog(Process process, string directory, int tlsPort, int relpPort)
    {
        _process = process;
        _directory = directory;
        TlsPort = tlsPort;
        RelpPort = relpPort;
    }

    public int TlsPort { get; }

    public int RelpPort { get; }

    public string AuthorityPath => Path.Combine(_directory, "ca.pem");

    /// <summary>The client certificate RELP's mutual TLS asks for (CN=auditgen-client), and its key.</summary>
    public string ClientCertificatePath => Path.Combine(_directory, "client.pem");

    public string ClientKeyPath => Path.Combine(_directory, "client-key.pem");

    public static async Task<Rsyslog> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("auditgen-rsyslog-").FullName;
        WriteCertificates(directory);
        var (tlsPort, relpPort) = (FreePort(), FreePort());
        var configuration = Path.Combine(directory, "rsyslog.conf");
        await File.WriteAllTextAsync(configuration, $$"""
            global(workDirectory="{{directory}}" maxMessageSize="8k"
                   defaultNetstreamDriverCAFile="{{directory}}/ca.pem"
                   defaultNetstreamDriverCertFile="{{directory}}/cert.pem"
                   defaultNetstreamDriverKeyFile="{{directory}}/key.pem")
            module(load="imtcp" streamDriver.name="gtls" streamDriver.mode="1" streamDriver.authMode="anon")
            module(load="imrelp")
            template(name="line" type="string" string="%app-name% %msgid% %structured-data% %msg%\n")
            ruleset(name="audit") { action(type="omfile" file="{{directory}}/received.log" template="line") }
            input(type="imtcp" address="127.0.0.1" port="{{tlsPort}}" ruleset="audit")
            input(type="imrelp" address="127.0.0.1" port="{{relpPort}}" ruleset="audit" tls="on"
                  tls.caCert="{{directory}}/ca.pem" tls.myCert="{{directory}}/cert.pem" tls.myPrivKey="{{directory}}/key.pem"
                  tls.authMode="name" tls.permittedPeer=["auditgen-client"])
            """);
        var process = Process.Start(new ProcessStartInfo("rsyslogd", ["-n", "-f", configuration, "-i", Path.Combine(directory, "rsyslogd.pid")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("rsyslogd did not start: is rsyslog installed?");
        var server = new Rsyslog(process, directory, tlsPort, relpPort);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await ListensAsync(tlsPort) || !await ListensAsync(relpPort))
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"rsyslogd did not listen: {await process.StandardError.ReadToEndAsync()}");
            }

            await Task.Delay(100);
        }

        return server;
    }

    /// <summary>Every message received so far, as (structured data, message) pairs.</summary>
    public IReadOnlyList<(string AppName, string StructuredData, string Message)> Received()
    {
        var path = Path.Combine(_directory, "received.log");
        if (!File.Exists(path))
        {
            return [];
        }

        using var reader = new StreamReader(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return [.. lines.Select(static line =>
        {
            var appEnd = line.IndexOf(' ', StringComparison.Ordinal);
            var sdStart = line.IndexOf('[', StringComparison.Ordinal);
            var sdEnd = line.IndexOf("] ", sdStart, StringComparison.Ordinal);
            return (line[..appEnd], line[sdStart..(sdEnd + 1)], line[(sdEnd + 2)..].Trim());
        })];
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static void WriteCertificates(string directory)
    {
        var now = DateTimeOffset.UtcNow;
        using var authorityKey = RSA.Create(2048);
        var authorityRequest = new CertificateRequest("CN=AuditGen test authority", authorityKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        authorityRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        authorityRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using var authority = authorityRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(30));

        using var serverKey = RSA.Create(2048);
        var serverRequest = new CertificateRequest("CN=localhost", serverKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        serverRequest.CertificateExtensions.Add(names.Build());
        serverRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        using var server = serverRequest.Create(authority, now.AddDays(-1), now.AddDays(29), RandomNumberGenerator.GetBytes(8));

        using var clientKey = RSA.Create(2048);
        var clientRequest = new CertificateRequest("CN=auditgen-client", clientKey, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        clientRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.2")], false));
        using var client = clientRequest.Create(authority, now.AddDays(-1), now.AddDays(29), RandomNumberGenerator.GetBytes(8));

        File.WriteAllText(Path.Combine(directory, "client.pem"), client.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "client-key.pem"), clientKey.ExportPkcs8PrivateKeyPem());
        File.WriteAllText(Path.Combine(directory, "ca.pem"), authority.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "cert.pem"), server.ExportCertificatePem());
        File.WriteAllText(Path.Combine(directory, "key.pem"), serverKey.ExportPkcs8PrivateKeyPem());
    }

    private static async Task<bool> ListensAsync(int port)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
