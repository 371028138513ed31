using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Scop.Aspire.Contracts.Membership;
using Scop.Aspire.Portal.Tests.Support;

namespace Scop.Aspire.Portal.Tests;

/// <summary>Collaborative spaces: members, threads, mentions, and documents checked on their content, for members only.</summary>
[Collection(PortalServersCollection.Name)]
public sealed class SpacesTests(PortalServers servers, PortalAppPerClass perClass) : IClassFixture<PortalAppPerClass>, IAsyncLifetime
{
    private static readonly byte[] Pdf = Encoding.ASCII.GetBytes("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n");
    private PortalApp app = null!;
    private HttpClient client = null!;

    public async Task InitializeAsync()
    {
        app = await perClass.GetAsync(servers);
        client = app.CreateClient();
    }

    public Task DisposeAsync()
    {
        client.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Members_discuss_mention_each_other_and_share_documents()
    {
        var (alice, bob) = (Guid.NewGuid(), Guid.NewGuid());
        var space = await NewSpaceAsync(alice, bob);
        var asAlice = PortalApp.MemberToken(person: alice);

        var thread = (await client.PostJsonAsync($"/api/portal/spaces/{space}/threads",
            new { title = "Préparer l'assemblée", body = "Qui **rédige** le rapport ?", mentions = new[] { bob } }, asAlice))
            .Expect(HttpStatusCode.Created).Body;
        var threadId = thread["thread"]!["id"]!.GetValue<string>();
        (await client.PostJsonAsync($"/api/portal/threads/{threadId}/posts", new { body = "Moi.<script>alert(1)</script>" },
            PortalApp.MemberToken(person: bob))).Expect(HttpStatusCode.Created);
        var uploaded = await UploadAsync(space, asAlice, Pdf, "application/pdf", "rapport.pdf");

        var read = (await client.ReadAsync($"/api/portal/threads/{threadId}", PortalApp.MemberToken(person: bob))).Expect(HttpStatusCode.OK).Body;
        var posts = read["posts"]!["items"]!.AsArray();
        Assert.Equal(2, posts.Count);
        Assert.Contains("<strong>rédige</strong>", posts[0]!["html"]!.GetValue<string>());
        Assert.DoesNotContain("<script", posts[1]!["html"]!.GetValue<string>());
        var mentions = (await client.ReadAsync("/api/portal/me/mentions", PortalApp.MemberToken(person: bob))).Expect(HttpStatusCode.OK).Body;
        Assert.Equal(threadId, Assert.Single(mentions["items"]!.AsArray())!["threadId"]!.GetValue<string>());
        Assert.Contains("mentions", (await client.PostJsonAsync($"/api/portal/threads/{threadId}/posts",
            new { body = "Et toi ?", mentions = new[] { Guid.NewGuid() } }, asAlice)).Expect(HttpStatusCode.BadRequest).ErrorFields);

        Assert.Equal("application/pdf", uploaded["contentType"]!.GetValue<string>());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Pdf)), uploaded["sha256"]!.GetValue<string>());
        Assert.Equal(1L, await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM space_documents WHERE id = @id AND sha256 = encode(sha256(content), 'hex') AND octet_length(content) = @n",
            ("id", Guid.Parse(uploaded["id"]!.GetValue<string>())), ("n", Pdf.Length)));
        using var download = new HttpRequestMessage(HttpMethod.Get, $"/api/portal/documents/{uploaded["id"]}");
        download.Headers.Authorization = new AuthenticationHeaderValue("Bearer", PortalApp.MemberToken(person: bob));
        using var file = await client.SendAsync(download);
        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal(Pdf, await file.Content.ReadAsByteArrayAsync());
        Assert.Equal("application/pdf", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"sha-256=:{Convert.ToBase64String(SHA256.HashData(Pdf))}:", file.Headers.GetValues("Repr-Digest").Single());
    }

    [Fact]
    public async Task A_post_names_its_author_as_their_token_did_until_the_author_is_erased()
    {
        var (alice, bob) = (Guid.NewGuid(), Guid.NewGuid());
        var space = await NewSpaceAsync(alice, bob);
        var asAlice = PortalApp.MemberToken(person: alice, name: "Alice Martin");
        var longName = new string('B', 199) + "\U0001F600" + new string('b', 56);

        var started = (await client.PostJsonAsync($"/api/portal/spaces/{space}/threads",
            new { title = "Ordre du jour", body = "Des points à ajouter ?" }, asAlice)).Expect(HttpStatusCode.Created).Body;
        Assert.Equal("Alice Martin", started["posts"]!["items"]![0]!["authorName"]!.GetValue<string>());
        var threadId = started["thread"]!["id"]!.GetValue<string>();
        var reply = (await client.PostJsonAsync($"/api/portal/threads/{threadId}/posts", new { body = "Le budget." },
            PortalApp.MemberToken(person: bob, name: "Bob <b>Durand</b>"))).Expect(HttpStatusCode.Created).Body;
        Assert.Equal("Bob <b>Durand</b>", reply["authorName"]!.GetValue<string>());
        var cut = (await client.PostJsonAsync($"/api/portal/threads/{threadId}/posts", new { body = "Et la date." },
            PortalApp.MemberToken(person: bob, name: longName))).Expect(HttpStatusCode.Created).Body;
        Assert.Equal(new string('B', 199), cut["authorName"]!.GetValue<string>());
        // An account without a display name is named by its user name, a hire's e-mail address: not shown as a name.
        var email = $"bob.{Guid.NewGuid():N}@example.coop";
        var unnamed = (await client.PostJsonAsync($"/api/portal/threads/{threadId}/posts", new { body = "Sans nom." },
            PortalApp.MemberToken(person: bob, name: email, userName: email))).Expect(HttpStatusCode.Created).Body;
        Assert.Null(unnamed["authorName"]);
        Assert.Equal(bob.ToString(), unnamed["authorPersonId"]!.GetValue<string>());

        var posts = (await client.ReadAsync($"/api/portal/threads/{threadId}", asAlice)).Expect(HttpStatusCode.OK).Body["posts"]!["items"]!.AsArray();
        Assert.Equal(new[] { "Alice Martin", "Bob <b>Durand</b>", new string('B', 199), null },
            posts.Select(p => p!["authorName"]?.GetValue<string>()));

        await app.PublishAsync(new PersonErased(Guid.NewGuid(), DateTimeOffset.UtcNow, bob));
        posts = (await Feed.EventuallyAsync(() => client.ReadAsync($"/api/portal/threads/{threadId}", asAlice),
            a => a.Body["posts"]!["items"]!.AsArray().Count(p => p!["authorName"] is null) == 3, "Bob's posts without his name"))
            .Body["posts"]!["items"]!.AsArray();
        Assert.Equal("Alice Martin", posts[0]!["authorName"]!.GetValue<string>());
        Assert.All(posts.Skip(1), p => Assert.Null(p!["authorPersonId"]));
        Assert.Equal(0L, await app.QueryScalarAsync<long>(
            "SELECT count(*) FROM space_posts WHERE author_name IS NOT NULL AND thread_id = @t AND author_person_id IS NULL",
            ("t", Guid.Parse(threadId))));
    }

    [Fact]
    public async Task A_non_member_is_refused_the_space_its_threads_and_its_documents()
    {
        var member = Guid.NewGuid();
        var space = await NewSpaceAsync(member);
        var document = await UploadAsync(space, PortalApp.MemberToken(person: member), Pdf, "application/pdf", "statuts.pdf");
        var outsider = PortalApp.MemberToken(person: Guid.NewGuid());

        (await client.ReadAsync($"/api/portal/documents/{document["id"]}", outsider)).Expect(HttpStatusCode.NotFound);
        (await client.ReadAsync($"/api/portal/spaces/{space}/documents", outsider)).Expect(HttpStatusCode.NotFound);
        (await client.ReadAsync($"/api/portal/spaces/{space}", outsider)).Expect(HttpStatusCode.NotFound);
        (await client.PostJsonAsync($"/api/portal/spaces/{space}/threads", new { title = "Intrus", body = "x" }, outsider)).Expect(HttpStatusCode.NotFound);
        (await client.ReadAsync($"/api/portal/documents/{document["id"]}")).Expect(HttpStatusCode.Unauthorized);
        (await client.ReadAsync($"/api/portal/documents/{document["id"]}", PortalApp.MemberToken(person: member))).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_document_of_a_disguised_type_is_refused_whatever_its_name_or_declared_type()
    {
        var member = Guid.NewGuid();
        var space = await NewSpaceAsync(member);
        var token = PortalApp.MemberToken(person: member);
        var executable = new byte[] { 0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0 };
        var windows = Encoding.ASCII.GetBytes("MZ\u0090\0\u0003\0\0\0\u0004\0\0\0This program cannot be run in DOS mode.");
        var html = Encoding.UTF8.GetBytes("<html><script>alert(1)</script></html>");
        var before = await app.CountAsync("space_documents");

        var elfAsPdf = await UploadRawAsync(space, token, executable, "application/pdf", "rapport.pdf");
        var exeAsText = await UploadRawAsync(space, token, windows, "text/plain", "notes.txt");
        var pngAsPdf = await UploadRawAsync(space, token, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13], "application/pdf", "plan.pdf");
        var zipAsDocx = await UploadRawAsync(space, token, Zip(("payload.exe", "MZ")), "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "cv.docx");
        var htmlAsText = await UploadRawAsync(space, token, html, "text/html", "page.txt");

        foreach (var refused in new[] { elfAsPdf, exeAsText, pngAsPdf, zipAsDocx, htmlAsText })
        {
            refused.Expect(HttpStatusCode.UnsupportedMediaType);
        }

        Assert.Contains("image/png", pngAsPdf.Body["detail"]!.GetValue<string>());
        Assert.Equal(before, await app.CountAsync("space_documents"));
        var docx = Zip(("[Content_Types].xml", "<Types/>"), ("word/document.xml", "<w:document/>"));
        (await UploadRawAsync(space, token, docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document", "cv.docx"))
            .Expect(HttpStatusCode.Created);
        (await UploadRawAsync(space, token, new byte[SpaceLimit + 1], "application/pdf", "gros.pdf")).Expect(HttpStatusCode.RequestEntityTooLarge);
    }

    private const int SpaceLimit = 1024 * 1024;

    private async Task<string> NewSpaceAsync(params Guid[] members) =>
        (await client.PostJsonAsync("/api/portal/spaces", new { name = $"Groupe {Guid.NewGuid():N}", kind = "working-group", members },
            PortalApp.StaffToken)).Expect(HttpStatusCode.Created).Body["id"]!.GetValue<string>();

    private async Task<System.Text.Json.Nodes.JsonNode> UploadAsync(string space, string token, byte[] content, string type, string name) =>
        (await UploadRawAsync(space, token, content, type, name)).Expect(HttpStatusCode.Created).Body;

    private async Task<PortalApi.Answer> UploadRawAsync(string space, string token, byte[] content, string type, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/portal/spaces/{space}/documents?name={Uri.EscapeDataString(name)}")
        {
            Content = new ByteArrayContent(content),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(type);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return new PortalApi.Answer(response.StatusCode, text.StartsWith('{') ? System.Text.Json.Nodes.JsonNode.Parse(text) : null, text, response.Headers);
    }

    private static byte[] Zip(params (string Name, string Text)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, text) in entries)
            {
                using var writer = new StreamWriter(zip.CreateEntry(name).Open());
                writer.Write(text);
            }
        }

        return buffer.ToArray();
    }
}
