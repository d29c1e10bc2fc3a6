using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace AuditGen.Browser.Tests;

/// <summary>
/// The audit log viewer in a real browser (Debian's Chromium, driven by Playwright) against the sample app: events
/// made through the API, signing in through the login form, filtering, a detail, the CSV download, and organization
/// isolation. Screenshots are saved under the test output's screenshots/ directory.
/// </summary>
public sealed class AuditLogViewerTests : IAsyncLifetime
{
    private static readonly string s_screenshots = Path.Combine(AppContext.BaseDirectory, "screenshots");

    private SampleApp _sample = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async Task InitializeAsync()
    {
        _sample = await SampleApp.StartAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = "/usr/bin/chromium",
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
        });
        Directory.CreateDirectory(s_screenshots);
    }

    [Fact]
    public async Task An_admin_filters_the_trail_opens_an_event_and_downloads_the_filtered_CSV_and_sees_only_their_organization()
    {
        // Events in two organizations, through the API as a client would make them.
        using var alice = await _sample.SignInAsync("alice@acme.test", "alice-password", "org_acme");
        using var carol = await _sample.SignInAsync("carol@globex.test", "carol-password", "org_globex");
        var platform = await CreateTeamAsync(alice, "Platform");
        var design = await CreateTeamAsync(alice, "Design");
        (await alice.PostAsJsonAsync($"/teams/{platform}/members", new { userId = "user_bob", role = "editor" })).EnsureSuccessStatusCode();
        var globexTeam = await CreateTeamAsync(carol, "Globex secret team");
        var globexEventId = await WaitForEventIdAsync(carol, "team.created");

        // Sign in through the login form; the cookie lands the browser on the viewer.
        var context = await _browser.NewContextAsync(new() { BaseURL = _sample.BaseAddress.ToString(), AcceptDownloads = true, ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/login");
        await page.FillAsync("#email", "alice@acme.test");
        await page.FillAsync("#password", "alice-password");
        await page.SelectOptionAsync("#organization", "org_acme");
        await page.ClickAsync("button[type=submit]");
        // A web-first assertion polls the URL; WaitForURLAsync could miss a "load" event that fired before it listened.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/audit/$"));

        var chain = page.GetByTestId("chain-status");
        await Assertions.Expect(chain).ToContainTextAsync("Audit log verified");
        await Assertions.Expect(page.GetByTestId("proven-status")).ToContainTextAsync(new Regex("^The first [0-9]+ records of your organization's log are proven by a checkpoint the log signed, not yet cosigned by a witness\\.$"));
        var rows = page.GetByTestId("event-row");
        await Assertions.Expect(rows.First).ToBeVisibleAsync();
        var actions = await page.GetByTestId("event-action").AllInnerTextsAsync();
        Assert.Contains("team.created", actions);
        Assert.Contains("team.member_added", actions);
        Assert.Contains("user.signed_in", actions);
        await page.ScreenshotAsync(new() { Path = Path.Combine(s_screenshots, "viewer-all.png"), FullPage = true });

        // Filter by action: only the two teams Alice created, none of Globex's.
        await page.GetByTestId("filter-action").FillAsync("team.created");
        await page.GetByTestId("apply-filters").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(2);
        Assert.All(await page.GetByTestId("event-action").AllInnerTextsAsync(), action => Assert.Equal("team.created", action.Trim()));
        Assert.DoesNotContain("Globex", await page.GetByTestId("events-table").InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Path.Combine(s_screenshots, "viewer-filtered.png"), FullPage = true });

        // A detail: the full WorkOS JSON of the event, in a dialog that the keyboard can close.
        await rows.First.GetByTestId("details-button").ClickAsync();
        var details = page.GetByTestId("details-json");
        await Assertions.Expect(details).ToBeVisibleAsync();
        var record = JsonNode.Parse(await details.InnerTextAsync())!;
        var openedId = (string?)record["id"];
        Assert.Equal("team.created", (string?)record["event"]!["action"]);
        Assert.Equal("org_acme", (string?)record["organization_id"]);
        Assert.Equal("user_alice", (string?)record["event"]!["actor"]!["id"]);
        Assert.Contains((string?)record["event"]!["targets"]![0]!["id"], new[] { platform, design });
        await page.ScreenshotAsync(new() { Path = Path.Combine(s_screenshots, "viewer-detail.png") });
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByTestId("details-dialog")).Not.ToBeVisibleAsync();

        // The keyboard alone: focus a row's Details button, open it with Enter; focus returns to the button on Escape.
        await rows.Nth(1).GetByTestId("details-button").FocusAsync();
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.GetByTestId("details-dialog")).ToBeVisibleAsync();
        await ExpectFocusedAsync(page, page.GetByTestId("details-close"), "the dialog's Close button");
        await page.Keyboard.PressAsync("Escape");
        await Assertions.Expect(page.GetByTestId("details-dialog")).Not.ToBeVisibleAsync();
        await ExpectFocusedAsync(page, rows.Nth(1).GetByTestId("details-button"), "the second row's Details button");

        // A narrow screen: the rows become cards and the page does not scroll sideways.
        await page.SetViewportSizeAsync(375, 800);
        Assert.True(await page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page scrolls sideways at 375 px");
        await page.ScreenshotAsync(new() { Path = Path.Combine(s_screenshots, "viewer-narrow.png"), FullPage = true });
        await page.SetViewportSizeAsync(1280, 900);

        // The CSV download of the filtered view.
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-csv").ClickAsync());
        var csvPath = Path.Combine(s_screenshots, "export.csv");
        await download.SaveAsAsync(csvPath);
        var lines = (await File.ReadAllTextAsync(csvPath)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("id,occurred_at,organization_id,action", lines[0], StringComparison.Ordinal);
        Assert.Equal(2, lines.Length - 1);
        Assert.All(lines.Skip(1), line => Assert.Contains(",org_acme,team.created,", line, StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains(platform, StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains(design, StringComparison.Ordinal));

        // The other filters: Alice's own actions on a user target are the one member added (her sign-ins have her
        // e-mail address as actor id); a time range in the future matches nothing; Clear brings every event back (at
        // least those of the first view: the browser's own sign-in may have been stored since).
        await page.GetByTestId("clear-filters").ClickAsync();
        await Assertions.Expect(rows).Not.ToHaveCountAsync(2);
        await page.GetByTestId("filter-actor-id").FillAsync("user_alice");
        await page.GetByTestId("filter-target").FillAsync("user");
        await page.GetByTestId("apply-filters").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(1);
        await Assertions.Expect(page.GetByTestId("event-action")).ToHaveTextAsync("team.member_added");
        await page.GetByTestId("clear-filters").ClickAsync();
        await page.GetByTestId("filter-from").FillAsync("2099-01-01T00:00");
        await page.GetByTestId("apply-filters").ClickAsync();
        await Assertions.Expect(rows).ToHaveCountAsync(0);
        await Assertions.Expect(page.GetByTestId("status")).ToHaveTextAsync("No events match the current filters.");
        await page.GetByTestId("clear-filters").ClickAsync();
        await Assertions.Expect(rows.Nth(actions.Count - 1)).ToBeVisibleAsync();

        // Organization isolation: Globex's event is not found through the detail or export routes, even by id.
        var detail = await page.APIRequest.GetAsync($"/audit/api/events/{globexEventId}");
        Assert.Equal(404, detail.Status);
        var export = await page.APIRequest.GetAsync($"/audit/api/export?format=json&targets=team");
        Assert.Equal(200, export.Status);
        var exported = JsonNode.Parse(await export.TextAsync())!.AsArray();
        Assert.NotEmpty(exported);
        Assert.DoesNotContain(globexTeam, await export.TextAsync(), StringComparison.Ordinal);
        Assert.All(exported, item => Assert.Equal("org_acme", (string?)item!["organization_id"]));

        // JSON lines: one record a line, the same records as the JSON array.
        var jsonLines = await page.APIRequest.GetAsync($"/audit/api/export?format=jsonlines&targets=team");
        Assert.Equal(200, jsonLines.Status);
        Assert.Equal("application/x-ndjson; charset=utf-8", jsonLines.Headers["content-type"]);
        var records = (await jsonLines.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => JsonNode.Parse(line)!).ToArray();
        Assert.Equal(exported.Select(item => (string?)item!["id"]), records.Select(record => (string?)record["id"]));

        // Nor through the numbers: the chain status and the paging carry no store-wide counts or sequence numbers.
        var verify = JsonNode.Parse(await (await page.APIRequest.GetAsync("/audit/api/verify")).TextAsync())!.AsObject();
        Assert.Equal(["checked_at", "intact", "proven"], verify.Select(pair => pair.Key).Order(StringComparer.Ordinal));
        Assert.Equal(["cosigned_by", "purged", "records", "witnessed"], verify["proven"]!.AsObject().Select(pair => pair.Key).Order(StringComparer.Ordinal));

        // The proven download holds this organization's records only, under its own checkpoint.
        var proven = await page.APIRequest.GetAsync("/audit/api/export?format=proof");
        Assert.Equal(200, proven.Status);
        var provenLines = (await proven.TextAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var provenHeader = JsonNode.Parse(provenLines[0])!;
        Assert.Equal(("auditgen/proven-export/v1", "org_acme"), ((string?)provenHeader["format"], (string?)provenHeader["organization_id"]));
        Assert.Equal("sample.test/audit+422cd88c+AXRfcEAN+IYYR7mFlThergmbjjzH4YTtWH57gaG2GIx2", (string?)provenHeader["log_key"]);
        Assert.DoesNotContain(globexTeam, await proven.TextAsync(), StringComparison.Ordinal);
        // Checkpoints only grow: the export holds at least what the status said was proven a moment before.
        Assert.InRange(provenLines.Length - 1, (long)verify["proven"]!["records"]!, long.MaxValue);
        var list = JsonNode.Parse(await (await page.APIRequest.GetAsync("/audit/api/events?limit=1")).TextAsync())!;
        Assert.Null(list["data"]![0]!["sequence"]);
        Assert.Equal((string?)list["data"]![0]!["id"], (string?)list["next_before"]);

        // Every read above is in Acme's own log, with Alice as its actor: the lists, the opened event, each download
        // (CSV, JSON, JSON Lines, proof) with its filters. Globex's log has none of them.
        var exports = await WaitForRecordsAsync(page, "audit_log.exported", atLeast: 4);
        Assert.All(exports, item =>
        {
            Assert.Equal("org_acme", (string?)item!["organization_id"]);
            Assert.Equal("user_alice", (string?)item["event"]!["actor"]!["id"]);
            Assert.Equal(("audit_log", "org_acme"), ((string?)item["event"]!["targets"]![0]!["type"], (string?)item["event"]!["targets"]![0]!["id"]));
        });
        var filters = exports.Select(item => (string?)item!["event"]!["metadata"]?["query"]).ToArray();
        Assert.Contains("format=json&targets=team", filters);
        Assert.Contains("format=proof", filters);
        var opened = await WaitForRecordsAsync(page, "audit_log_event.viewed", atLeast: 2);
        Assert.Contains(opened, item => (string?)item!["event"]!["targets"]![0]!["id"] == openedId && (string?)item["event"]!["targets"]![0]!["type"] == "audit_log_event");
        var listed = await WaitForRecordsAsync(page, "audit_log.viewed", atLeast: 1);
        Assert.Contains(listed, item => (string?)item!["event"]!["metadata"]?["query"] == "limit=1");
        var globex = await carol.GetStringAsync("/audit/api/export?format=json&actions=audit_log.exported&actions=audit_log_event.viewed");
        Assert.DoesNotContain("user_alice", globex, StringComparison.Ordinal);
        await context.CloseAsync();
    }

    /// <summary>The organization's records of <paramref name="action"/>, once at least <paramref name="atLeast"/> are stored.</summary>
    private static async Task<JsonArray> WaitForRecordsAsync(IPage page, string action, int atLeast)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var records = JsonNode.Parse(await (await page.APIRequest.GetAsync($"/audit/api/export?format=json&actions={action}")).TextAsync())!.AsArray();
            if (records.Count >= atLeast)
            {
                return records;
            }

            Assert.True(DateTime.UtcNow < deadline, $"fewer than {atLeast} {action} events were stored");
            await Task.Delay(100);
        }
    }

    /// <summary>Like <c>ToBeFocusedAsync</c>, but a failure names the element that has the focus instead.</summary>
    private static async Task ExpectFocusedAsync(IPage page, ILocator expected, string description)
    {
        try
        {
            await Assertions.Expect(expected).ToBeFocusedAsync();
        }
        catch (PlaywrightException)
        {
            var focused = await page.EvaluateAsync<string>("() => document.activeElement ? document.activeElement.outerHTML.slice(0, 200) : '(nothing)'");
            throw new Xunit.Sdk.XunitException($"Expected {description} to have the keyboard focus, but it is on: {focused}");
        }
    }

    [Fact]
    public async Task A_member_is_refused_a_wrong_password_is_said_and_a_stranger_is_sent_to_sign_in()
    {
        using var bob = await _sample.SignInAsync("bob@acme.test", "bob-password", "org_acme");
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.GetAsync("/audit/api/events")).StatusCode);

        var context = await _browser.NewContextAsync(new() { BaseURL = _sample.BaseAddress.ToString() });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/audit/");
        Assert.EndsWith("/login", new Uri(page.Url).AbsolutePath, StringComparison.Ordinal);
        var api = await page.APIRequest.GetAsync("/audit/api/events", new() { MaxRedirects = 0 });
        Assert.Equal(401, api.Status);

        await page.FillAsync("#email", "alice@acme.test");
        await page.FillAsync("#password", "wrong");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToHaveTextAsync("Wrong email, password or organization.");

        await page.FillAsync("#email", "bob@acme.test");
        await page.FillAsync("#password", "bob-password");
        await page.ClickAsync("button[type=submit]");
        await Assertions.Expect(page.GetByText("You do not have access to the audit log")).ToBeVisibleAsync();
        await context.CloseAsync();
    }

    public async Task DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _sample.DisposeAsync();
    }

    private static async Task<string> CreateTeamAsync(HttpClient client, string name)
    {
        using var response = await client.PostAsJsonAsync("/teams", new { name });
        response.EnsureSuccessStatusCode();
        return (string)(await response.Content.ReadFromJsonAsync<JsonObject>())!["id"]!;
    }

    /// <summary>The id of the newest event of <paramref name="action"/> in the client's organization, once it is stored.</summary>
    private static async Task<string> WaitForEventIdAsync(HttpClient admin, string action)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var page = await admin.GetFromJsonAsync<JsonObject>($"/audit/api/events?actions={action}");
            if (page!["data"]!.AsArray().FirstOrDefault() is { } newest)
            {
                return (string)newest["id"]!;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no {action} event was stored");
            await Task.Delay(50);
        }
    }
}
