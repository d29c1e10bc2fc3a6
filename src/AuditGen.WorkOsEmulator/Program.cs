using AuditGen.WorkOsEmulator;

await WorkOsEmulatorApp.Create(args).RunAsync();
