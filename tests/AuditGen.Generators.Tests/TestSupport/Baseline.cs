using System.Reflection;

namespace AuditGen.Generators.Tests.TestSupport;

/// <summary>
/// Compares generated source with a checked-in file under Baselines/. Set AUDITGEN_UPDATE_BASELINES=1
/// to rewrite the files that differ from the current output; a run that rewrote anything fails, so the
/// switch is never left on by mistake (run until it passes: one test may own several files).
/// </summary>
internal static class Baseline
{
    public static void Verify(string name, string actual)
    {
        var directory = typeof(Baseline).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BaselineDirectory").Value!;
        var path = Path.Combine(directory, name);
        if (Environment.GetEnvironmentVariable("AUDITGEN_UPDATE_BASELINES") == "1"
            && (!File.Exists(path) || File.ReadAllText(path) != actual))
        {
            File.WriteAllText(path, actual);
            Assert.Fail($"Rewrote {path}; unset AUDITGEN_UPDATE_BASELINES and run again.");
        }

        Assert.True(File.Exists(path), $"No baseline {path}; run with AUDITGEN_UPDATE_BASELINES=1 to create it.");
        Assert.Equal(File.ReadAllText(path), actual);
    }
}
