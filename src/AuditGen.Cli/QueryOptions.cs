using System.CommandLine;
using AuditGen.Pipeline;

namespace AuditGen.Cli;

/// <summary>WorkOS's export filters as options: organization, range, actions, actor names and ids, target types.</summary>
internal sealed class QueryOptions
{
    public Option<string?> Organization { get; } = new("--organization") { Description = "Only this organization's records." };

    public Option<DateTimeOffset?> RangeStart { get; } = new("--range-start") { Description = "Records that occurred at or after this ISO-8601 time." };

    public Option<DateTimeOffset?> RangeEnd { get; } = new("--range-end") { Description = "Records that occurred before this ISO-8601 time." };

    public Option<string[]> Actions { get; } = new("--action") { Description = "Any of these actions (repeatable).", AllowMultipleArgumentsPerToken = true };

    public Option<string[]> ActorNames { get; } = new("--actor-name") { Description = "Any of these actor names (repeatable)." };

    public Option<string[]> ActorIds { get; } = new("--actor-id") { Description = "Any of these actor ids (repeatable)." };

    public Option<string[]> Targets { get; } = new("--target") { Description = "Records with a target of any of these types (repeatable)." };

    /// <summary>Adds the filters to <paramref name="command"/>.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { Organization, RangeStart, RangeEnd, Actions, ActorNames, ActorIds, Targets })
        {
            command.Options.Add(option);
        }
    }

    public AuditQuery Read(ParseResult result) => new()
    {
        OrganizationId = result.GetValue(Organization),
        RangeStart = result.GetValue(RangeStart),
        RangeEnd = result.GetValue(RangeEnd),
        Actions = result.GetValue(Actions) ?? [],
        ActorNames = result.GetValue(ActorNames) ?? [],
        ActorIds = result.GetValue(ActorIds) ?? [],
        TargetTypes = result.GetValue(Targets) ?? [],
    };
}
