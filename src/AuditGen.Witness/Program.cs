using AuditGen.Ledger;
using AuditGen.Witness;
using Microsoft.Extensions.Options;

// A witness for AuditGen logs (c2sp.org/tlog-witness): run it on another machine, or let another party run it, so that
// a log's newest checkpoint is remembered outside the log's database. Configure it from the "Witness" section.
var builder = WebApplication.CreateSlimBuilder(args);
builder.Services.AddOptions<WitnessOptions>().BindConfiguration(WitnessOptions.SectionName).ValidateOnStart();
builder.Services.AddSingleton<IValidateOptions<WitnessOptions>, WitnessOptionsValidator>();
builder.Services.AddSingleton(TimeProvider.System);
builder.Services.AddSingleton(static provider =>
{
    // The validator has checked the keys at start-up.
    var options = provider.GetRequiredService<IOptions<WitnessOptions>>().Value;
    var cosigner = Cosigner.TryParse(options.SigningKey!, out var parsed, out var problem) ? parsed! : throw new InvalidOperationException(problem);
    var logs = options.Logs.Select(static key => NoteVerifier.TryParse(key, out var verifier, out var problem) ? verifier! : throw new InvalidOperationException(problem)).ToList();
    return new CheckpointWitness(cosigner, logs, new WitnessState(options.Database), provider.GetRequiredService<TimeProvider>());
});

var app = builder.Build();
app.MapGet("/", static (CheckpointWitness witness) => Results.Text($"AuditGen witness {witness.Verifier.Name}\nverifier key: {witness.Verifier}\n"));
app.MapPost("/add-checkpoint", static async (HttpRequest request, CheckpointWitness witness) =>
{
    // A request is an old size, at most 63 hashes and one checkpoint: a few kilobytes. Larger bodies are refused unread.
    if (request.ContentLength > CheckpointWitness.MaxRequestBytes)
    {
        return Results.Text($"a request is at most {CheckpointWitness.MaxRequestBytes} bytes\n", "text/plain", statusCode: StatusCodes.Status413PayloadTooLarge);
    }

    var buffer = new byte[CheckpointWitness.MaxRequestBytes + 1];
    var length = 0;
    int read;
    while (length < buffer.Length && (read = await request.Body.ReadAsync(buffer.AsMemory(length), request.HttpContext.RequestAborted)) > 0)
    {
        length += read;
    }

    if (length > CheckpointWitness.MaxRequestBytes)
    {
        return Results.Text($"a request is at most {CheckpointWitness.MaxRequestBytes} bytes\n", "text/plain", statusCode: StatusCodes.Status413PayloadTooLarge);
    }

    var answer = witness.AddCheckpoint(System.Text.Encoding.UTF8.GetString(buffer, 0, length));
    return Results.Text(answer.Body, answer.ContentType, statusCode: answer.Status);
});
app.Run();
