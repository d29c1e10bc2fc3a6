using AuditGen.Sinks.OpenTelemetry;

namespace AuditGen.WorkOs.Tests.Streams;

/// <summary>How the OpenTelemetry sink reads a collector's protobuf answers, including ones it must not trust.</summary>
public sealed class OtlpResponseTests
{
    [Fact]
    public void A_partial_success_gives_the_refused_count_and_the_reason_also_with_padded_varints()
    {
        // ExportLogsServiceResponse { partial_success (1) { rejected_log_records (1) = 3, error_message (2) = "bad" } },
        // the lengths written as padded varints, as the OpenTelemetry SDK writes them.
        byte[] body = [0x0A, 0x89, 0x00, 0x08, 0x83, 0x80, 0x00, 0x12, 0x03, (byte)'b', (byte)'a', (byte)'d'];
        Assert.Equal((3L, "bad"), OtlpResponse.PartialSuccess(body));
    }

    [Fact]
    public void A_full_success_refuses_nothing()
    {
        Assert.Equal((0L, (string?)null), OtlpResponse.PartialSuccess([]));
    }

    [Theory]
    [InlineData(new byte[] { 0x0A, 0x05, 0x08, 0x03 })]
    [InlineData(new byte[] { 0x0A, 0x0B, 0x08, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F })]
    [InlineData(new byte[] { 0x0A, 0x03, 0x12, 0x02, 0xC3 })]
    [InlineData(new byte[] { 0x07 })]
    public void A_truncated_oversized_or_malformed_answer_is_read_as_no_refusal(byte[] body)
    {
        Assert.Equal((0L, (string?)null), OtlpResponse.PartialSuccess(body));
    }

    [Fact]
    public void A_failure_body_gives_the_google_rpc_status_message()
    {
        // google.rpc.Status { code (1) = 16, message (2) = "no token" }
        byte[] body = [0x08, 0x10, 0x12, 0x08, .. "no token"u8];
        Assert.Equal("no token", OtlpResponse.StatusMessage(body));
        Assert.Null(OtlpResponse.StatusMessage("<html>bad gateway</html>"u8));
    }
}
