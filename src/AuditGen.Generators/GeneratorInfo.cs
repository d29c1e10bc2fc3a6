namespace AuditGen.Generators;

/// <summary>What generated code names in its <c>[GeneratedCode]</c> attribute.</summary>
internal static class GeneratorInfo
{
    public const string Name = "AuditGen.Generators";
    public static readonly string Version = typeof(GeneratorInfo).Assembly.GetName().Version!.ToString();
}
