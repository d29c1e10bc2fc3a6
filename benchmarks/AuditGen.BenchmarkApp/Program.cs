await AuditGen.BenchmarkApp.BenchmarkApp.Build(args).RunAsync();
