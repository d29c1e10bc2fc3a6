using AuditGen.Pipeline;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AuditGen.Tests.DependencyInjection;

public class AuditGenOptionsTests
{
    [Fact]
    public void Options_are_bound_from_the_AuditGen_configuration_section()
    {
        using var host = BuildHost(new()
        {
            ["AuditGen:QueueCapacity"] = "1234",
            ["AuditGen:StoreBatchSize"] = "64",
            ["AuditGen:OversizedStringValues"] = "Reject",
            ["AuditGen:DeliveryRetryDelay"] = "00:00:30",
            ["AuditGen:QueueFullWait"] = "00:00:00.250",
        });

        var options = host.Services.GetRequiredService<IOptions<AuditGenOptions>>().Value;

        Assert.Equal(1234, options.QueueCapacity);
        Assert.Equal(64, options.StoreBatchSize);
        Assert.Equal(OversizedStringValueHandling.Reject, options.OversizedStringValues);
        Assert.Equal(TimeSpan.FromSeconds(30), options.DeliveryRetryDelay);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.QueueFullWait);
    }

    [Fact]
    public async Task Invalid_options_stop_the_host_at_start_with_messages_naming_each_key_and_value()
    {
        using var host = BuildHost(new()
        {
            ["AuditGen:QueueCapacity"] = "0",
            ["AuditGen:StoreBatchSize"] = "20000",
            ["AuditGen:DeliveryPollInterval"] = "-00:00:01",
            ["AuditGen:QueueFullWait"] = "-00:00:05",
            ["AuditGen:SpillPath"] = " ",
        });

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(
            [
                "AuditGen:QueueCapacity must be between 1 and 1,000,000 (was 0).",
                "AuditGen:StoreBatchSize must be between 1 and 10,000 (was 20,000).",
                "AuditGen:DeliveryPollInterval must be a positive time span such as 00:00:05 (was -00:00:01).",
                "AuditGen:QueueFullWait must be between 00:00:00 and 01:00:00, or -00:00:00.001 to wait as long as it takes (was -00:00:05).",
                "AuditGen:SpillPath must name the spill file when QueueFullMode is Spill or QueueFullWait is limited.",
            ],
            exception.Failures);
    }

    [Fact]
    public async Task Undefined_enum_value_set_in_code_is_reported()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddAuditGen(options => options.OversizedStringValues = (OversizedStringValueHandling)7);
        using var host = builder.Build();

        var exception = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.Equal(["AuditGen:OversizedStringValues must be Truncate or Reject (was 7)."], exception.Failures);
    }

    [Fact]
    public void Code_configuration_is_applied_after_the_configuration_section()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["AuditGen:QueueCapacity"] = "100" });
        builder.Services.AddAuditGen(options => options.QueueCapacity = 200);
        using var host = builder.Build();

        Assert.Equal(200, host.Services.GetRequiredService<IOptions<AuditGenOptions>>().Value.QueueCapacity);
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddAuditGen();
        return builder.Build();
    }
}
