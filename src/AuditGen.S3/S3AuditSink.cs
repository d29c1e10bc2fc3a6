using System.Buffers;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using AuditGen.Pipeline;
using Microsoft.Extensions.Options;

namespace AuditGen.Sinks.S3;

/// <summary>
/// Writes each batch as one object per organization: gzip JSON Lines of <c>{"id","organization_id","event"}</c> under a key
/// naming the organization, the day and the record range (<see cref="S3ObjectKey"/>), with <c>Content-MD5</c> (which
/// buckets with Object Lock require) and, when asked, <c>If-None-Match: *</c>. A retried batch rewrites the same objects.
/// </summary>
internal sealed class S3AuditSink : IAuditBatchSink, IDisposable
{
    public const string SinkName = "s3";

    private const int MaxKeptText = 1_000;

    private readonly IOptionsMonitor<S3SinkOptions> _options;
    private readonly AmazonS3Client _client;

    public S3AuditSink(IOptionsMonitor<S3SinkOptions> options)
    {
        _options = options;
        _client = CreateClient(options.CurrentValue);
    }

    public string Name => SinkName;

    public int MaxBatchSize => _options.CurrentValue.MaxBatchSize;

    /// <summary>An upload's bound (before compression), so that no batch makes an unbounded object in memory.</summary>
    public int MaxBatchBytes => 64 * 1024 * 1024;

    public AuditSinkFilter Filter => _options.CurrentValue.Filter;

    public async ValueTask<AuditDeliveryResult> DeliverBatchAsync(IReadOnlyList<StoredAuditEntry> entries, CancellationToken cancellationToken)
    {
        var options = _options.CurrentValue;
        foreach (var organization in entries.GroupBy(static entry => entry.OrganizationId, StringComparer.Ordinal))
        {
            var records = organization.ToList();
            var key = S3ObjectKey.For(options.Prefix, organization.Key, records[0].OccurredAt, records[0].Sequence, records[^1].Sequence);
            var result = await PutAsync(key, Body(records), options, cancellationToken);
            if (result.Outcome != AuditDeliveryOutcome.Delivered)
            {
                return result;
            }
        }

        return AuditDeliveryResult.Delivered;
    }

    public void Dispose() => _client.Dispose();

    private async Task<AuditDeliveryResult> PutAsync(string key, byte[] body, S3SinkOptions options, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(body, writable: false);
        var request = new PutObjectRequest
        {
            BucketName = options.Bucket,
            Key = key,
            InputStream = content,
            ContentType = "application/gzip",
            MD5Digest = ContentMd5(body),
            UseChunkEncoding = false,
        };
        if (options.UseConditionalWrite)
        {
            request.IfNoneMatch = "*";
        }

        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(options.RequestTimeout);
            await _client.PutObjectAsync(request, timeout.Token);
            return AuditDeliveryResult.Delivered;
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.PreconditionFailed && options.UseConditionalWrite)
        {
            // The object is there already: an earlier attempt wrote it and its answer was lost.
            return AuditDeliveryResult.Delivered;
        }
        catch (AmazonS3Exception exception)
        {
            return Settle(exception, options);
        }
        catch (Exception exception) when (exception is AmazonServiceException or AmazonClientException or HttpRequestException or IOException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return AuditDeliveryResult.Retry($"cannot reach S3: {Scrub(exception.Message, options)}");
        }
    }

    /// <summary>Refused credentials or a missing bucket pause the sink; a busy or failing service is retried; anything else is refused for good.</summary>
    private static AuditDeliveryResult Settle(AmazonS3Exception exception, S3SinkOptions options)
    {
        var description = Scrub($"{(int)exception.StatusCode} {exception.ErrorCode}: {exception.Message}", options);
        if (exception.StatusCode is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized
            || exception.ErrorCode is "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "AccessDenied" or "NoSuchBucket" or "ExpiredToken")
        {
            return AuditDeliveryResult.Pause($"S3 refused the bucket or the credentials: {description}", options.PausedRetryInterval);
        }

        return (int)exception.StatusCode >= 500 || exception.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests
            || exception.ErrorCode is "SlowDown" or "RequestTimeout" or "InternalError" or "BadDigest" or "IncompleteBody" or "OperationAborted" or "ConditionalRequestConflict"
            ? AuditDeliveryResult.Retry($"S3 answered {description}")
            : AuditDeliveryResult.DeadLetter($"S3 refused it: {description}");
    }

    // S3's Content-MD5 is a transfer integrity check that Object Lock buckets require, not a security measure.
#pragma warning disable CA5351
    private static string ContentMd5(byte[] body) => Convert.ToBase64String(MD5.HashData(body));
#pragma warning restore CA5351

    private static string Scrub(string text, S3SinkOptions options) => DestinationText.Scrub(text, MaxKeptText, options.SecretAccessKey);

    private static AmazonS3Client CreateClient(S3SinkOptions options)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = options.ForcePathStyle,
            Timeout = options.RequestTimeout,

            // The delivery loop retries, from the store, for as long as it takes.
            MaxErrorRetry = 0,

            // Checksums only where an operation requires them: trailing checksums are refused by many S3-compatible services.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.ServiceUrl is { } serviceUrl)
        {
            config.ServiceURL = serviceUrl.ToString();
        }

        if (options.Region is { Length: > 0 } region)
        {
            if (options.ServiceUrl is null)
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            }
            else
            {
                config.AuthenticationRegion = region;
            }
        }

        return options.AccessKeyId is { Length: > 0 } accessKeyId
            ? new AmazonS3Client(new BasicAWSCredentials(accessKeyId, options.SecretAccessKey), config)
            : new AmazonS3Client(config);
    }

    private static byte[] Body(List<StoredAuditEntry> records)
    {
        var lines = new ArrayBufferWriter<byte>(records.Sum(static record => record.EventJson.Length + 128));
        using (var writer = new Utf8JsonWriter(lines))
        {
            foreach (var record in records)
            {
                StreamRecord.Write(writer, record);
                writer.Flush();
                lines.Write("\n"u8);
                writer.Reset();
            }
        }

        return StreamRecord.Gzip(lines.WrittenSpan);
    }
}
