using System.Reflection;

namespace AuditGen.Generators.Tests.TestSupport;

/// <summary>
/// Compares generated source with a checked-in file under Baselines/. Set AUDITGEN_UPDATE_BASELINES=1
/// to rewrite the files from the current output; the run then fails so it is never left on by mistake.
/// </summary>
internal static class Baseline
{
    public static void Verify(string name, string actual)
    {
        var directory = typeof(Baseline).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BaselineDirectory").Value!;
        var path = Path.Combine(directory, name);
        if (Environment.GetEnvironmentVariable("AUDITGEN_UPDATE_BASELINES") == "1")
        {
            File.WriteAllText(path, actual);
            Assert.Fail($"Rewrote {path}; unset AUDITGEN_UPDATE_BASELINES and run again.");
        }

        Assert.True(File.Exists(path), $"No baseline {path}; run with AUDITGEN_UPDATE_BASELINES=1 to create it.");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
