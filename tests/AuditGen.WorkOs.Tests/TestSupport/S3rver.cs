using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Amazon.Runtime;
using Amazon.S3;

namespace AuditGen.WorkOs.Tests.TestSupport;

/// <summary>
/// A real S3-compatible server, <c>s3rver</c> (npm, installed by the test command), on a free port of 127.0.0.1 with a
/// bucket of its own and its files in a temporary directory; stopped and removed afterwards.
/// </summary>
internal sealed class S3rver : IAsyncDisposable
{
    public const string Bucket = "audit";
    public const string AccessKeyId = "S3RVER";
    public const string SecretAccessKey = "S3RVER";

    private readonly Process _process;
    private readonly string _directory;

    private S3rver(Process process, string directory, int port)
    {
        _process = process;
        _directory = directory;
        Port = port;
        Client = new AmazonS3Client(new BasicAWSCredentials(AccessKeyId, SecretAccessKey), new AmazonS3Config
        {
            ServiceURL = Url.ToString(),
            ForcePathStyle = true,
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
    }

    public int Port { get; }

    public Uri Url => new($"http://127.0.0.1:{Port}/");

    /// <summary>A client of the test's own, to read what the sink wrote.</summary>
    public AmazonS3Client Client { get; }

    public static async Task<S3rver> StartAsync()
    {
        var directory = Directory.CreateTempSubdirectory("auditgen-s3rver-").FullName;
        var port = FreePort();
        var process = Process.Start(new ProcessStartInfo("s3rver", ["--directory", directory, "--address", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--configure-bucket", Bucket, "--silent"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("s3rver did not start: is it installed (npm install -g s3rver)?");
        var server = new S3rver(process, directory, port);
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                await server.Client.ListObjectsV2Async(new() { BucketName = Bucket });
                return server;
            }
            catch (Exception) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                await Task.Delay(100);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
