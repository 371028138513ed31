using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Scop.Aspire.Portal.Data;
using Scop.Aspire.Portal.Domain;
using Scop.Aspire.ServiceDefaults.Http;
using Scop.Aspire.ServiceDefaults.Security;

namespace Scop.Aspire.Portal.Features.Spaces;

public sealed record SpaceResponse(Guid Id, string Name, string Kind, string? RegionalUnion, IReadOnlyList<Guid> Members);

public sealed record ThreadResponse(Guid Id, Guid SpaceId, string Title, DateTimeOffset CreatedAt, DateTimeOffset LastPostAt);

/// <summary>A post; <c>AuthorName</c> is the author's display name when they wrote it, null if unknown or erased.</summary>
public sealed record PostResponse(Guid Id, Guid ThreadId, Guid? AuthorPersonId, string Html, IReadOnlyList<Guid> Mentions,
    DateTimeOffset CreatedAt, string? AuthorName);

public sealed record ThreadWithPosts(ThreadResponse Thread, PagedList<PostResponse> Posts);

public sealed record DocumentResponse(Guid Id, Guid SpaceId, string Name, string ContentType, long Size, string Sha256,
    DateTimeOffset UploadedAt);

public sealed record MentionResponse(Guid PostId, Guid ThreadId, Guid SpaceId, string ThreadTitle, DateTimeOffset CreatedAt);

/// <summary>
/// Collaborative spaces: staff open a space (a working group, an instance, a club) and name its members; a space of a
/// union's instance has that union's delegates as members too. Members — and only they — read and write its threads,
/// mention each other, upload documents (type read from the content, at most 1 MiB, stored with their SHA-256) and
/// download them. For anyone else a space's content does not exist (404).
/// </summary>
public static class SpacesEndpoints
{
    public sealed record CreateSpaceRequest(string? Name, string? Kind, string? RegionalUnion, List<Guid>? Members);

    public sealed record StartThreadRequest(string? Title, string? Body, List<Guid>? Mentions);

    public sealed record AddPostRequest(string? Body, List<Guid>? Mentions);

    public static RouteGroupBuilder MapSpaces(this RouteGroupBuilder group)
    {
        group.MapPost("/spaces", CreateAsync).WithName("CreateSpace").WithSummary("Open a collaborative space")
            .Accepts<CreateSpaceRequest>("application/json").RequireAuthorization(PlatformPolicies.Staff).WithIdempotency<PortalDbContext>();
        group.MapGet("/spaces", ListAsync).WithName("ListSpaces").WithSummary("The spaces I am a member of (staff: all)")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapGet("/spaces/{id:guid}", GetAsync).WithName("GetSpace").WithSummary("A space and its members")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapPut("/spaces/{id:guid}/members/{personId:guid}", (Guid id, Guid personId, PortalDbContext db, TimeProvider time,
                CancellationToken ct) => SetMemberAsync(id, personId, true, db, time, ct))
            .WithName("AddSpaceMember").WithSummary("Make a person a member").RequireAuthorization(PlatformPolicies.Staff);
        group.MapDelete("/spaces/{id:guid}/members/{personId:guid}", (Guid id, Guid personId, PortalDbContext db, TimeProvider time,
                CancellationToken ct) => SetMemberAsync(id, personId, false, db, time, ct))
            .WithName("RemoveSpaceMember").WithSummary("A person leaves a space").RequireAuthorization(PlatformPolicies.Staff);
        group.MapPost("/spaces/{id:guid}/threads", StartThreadAsync).WithName("StartThread").WithSummary("Start a thread (members)")
            .Accepts<StartThreadRequest>("application/json").RequireAuthorization(PlatformPolicies.Person).WithIdempotency<PortalDbContext>();
        group.MapGet("/spaces/{id:guid}/threads", ListThreadsAsync).WithName("ListThreads").WithSummary("A space's threads, latest first")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapGet("/threads/{id:guid}", GetThreadAsync).WithName("GetThread").WithSummary("A thread and its posts, oldest first")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapPost("/threads/{id:guid}/posts", AddPostAsync).WithName("AddPost").WithSummary("Answer in a thread (members)")
            .Accepts<AddPostRequest>("application/json").RequireAuthorization(PlatformPolicies.Person).WithIdempotency<PortalDbContext>();
        group.MapGet("/me/mentions", MentionsAsync).WithName("ListMyMentions").WithSummary("Posts that mention me, newest first")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapPost("/spaces/{id:guid}/documents", UploadAsync).WithName("UploadDocument")
            .WithSummary("Upload a document: the body is the file, its type read from the content (members)")
            .Accepts<byte[]>(DocumentTypes.Pdf, [.. DocumentTypes.Allowed.Skip(1)])
            .RequireAuthorization(PlatformPolicies.Person).WithIdempotency<PortalDbContext>();
        group.MapGet("/spaces/{id:guid}/documents", ListDocumentsAsync).WithName("ListDocuments").WithSummary("A space's documents")
            .RequireAuthorization(PlatformPolicies.Person);
        group.MapGet("/documents/{id:guid}", DownloadAsync).WithName("DownloadDocument").WithSummary("Download a document (members)")
            .RequireAuthorization(PlatformPolicies.Person);
        return group;
    }

    public static async Task<Results<Created<SpaceResponse>, ValidationProblem>> CreateAsync(HttpRequest http, PortalDbContext db,
        TimeProvider time, CancellationToken ct)
    {
        var (request, problem) = await JsonBody.ReadAsync<CreateSpaceRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var name = errors.RequireText("name", request!.Name, Space.MaxNameLength);
        var kind = request.Kind switch
        {
            "working-group" => SpaceKind.WorkingGroup,
            "instance" => SpaceKind.Instance,
            "club" => SpaceKind.Club,
            _ => (SpaceKind?)null,
        };
        if (kind is null)
        {
            errors.Add("kind", "One of working-group, instance, club.");
        }

        var union = string.IsNullOrWhiteSpace(request.RegionalUnion) ? null : request.RegionalUnion.Trim();
        if (union is not null && (union.Length > 64 || !Site.IsSlug(union)))
        {
            errors.Add("regionalUnion", "A regional union code (e.g. urscop-aura).");
        }

        var members = (request.Members ?? []).Distinct().ToList();
        if (members.Count > 500 || members.Contains(Guid.Empty))
        {
            errors.Add("members", "At most 500 person ids, none empty.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        var space = new Space { Id = Guid.CreateVersion7(now), Name = name, Kind = kind!.Value, RegionalUnion = union, CreatedAt = now };
        db.Spaces.Add(space);
        db.SpaceMembers.AddRange(members.Select(p => new SpaceMember { SpaceId = space.Id, PersonId = p, AddedAt = now }));
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/portal/spaces/{space.Id}", Response(space, members));
    }

    public static async Task<Results<Ok<PagedList<SpaceResponse>>, ValidationProblem>> ListAsync(ClaimsPrincipal user,
        PortalDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var scope = CallerScope.Of(user);
        var person = scope.Person ?? Guid.Empty;
        var unions = scope.RegionalUnions.ToList();
        var spaces = db.Spaces.AsNoTracking().Where(s => scope.Nationwide
            || db.SpaceMembers.Any(m => m.SpaceId == s.Id && m.PersonId == person)
            || (s.RegionalUnion != null && unions.Contains(s.RegionalUnion)));
        var total = await spaces.LongCountAsync(ct);
        var page1 = await spaces.OrderBy(s => s.Name).ThenBy(s => s.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        var ids = page1.Select(s => s.Id).ToList();
        var members = await db.SpaceMembers.AsNoTracking().Where(m => ids.Contains(m.SpaceId)).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<SpaceResponse>(
            page1.Select(s => Response(s, members.Where(m => m.SpaceId == s.Id).Select(m => m.PersonId).ToList())).ToList(),
            paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<SpaceResponse>, ProblemHttpResult>> GetAsync(Guid id, ClaimsPrincipal user, PortalDbContext db,
        CancellationToken ct)
    {
        var space = await db.Spaces.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (space is null || !(CallerScope.Of(user).Nationwide || await IsMemberAsync(db, space, user, ct)))
        {
            return Problems.NotFound("Space", id);
        }

        var members = await db.SpaceMembers.AsNoTracking().Where(m => m.SpaceId == id).Select(m => m.PersonId).ToListAsync(ct);
        return TypedResults.Ok(Response(space, members));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> SetMemberAsync(Guid id, Guid personId, bool member, PortalDbContext db,
        TimeProvider time, CancellationToken ct)
    {
        if (!await db.Spaces.AnyAsync(s => s.Id == id, ct))
        {
            return Problems.NotFound("Space", id);
        }

        if (member)
        {
            await db.Database.ExecuteSqlAsync(
                $"INSERT INTO space_members (space_id, person_id, added_at) VALUES ({id}, {personId}, {time.GetUtcNow()}) ON CONFLICT DO NOTHING", ct);
        }
        else
        {
            await db.SpaceMembers.Where(m => m.SpaceId == id && m.PersonId == personId).ExecuteDeleteAsync(ct);
        }

        return TypedResults.NoContent();
    }

    public static async Task<Results<Created<ThreadWithPosts>, ValidationProblem, ProblemHttpResult>> StartThreadAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, PortalDbContext db, Markdown markdown, TimeProvider time, CancellationToken ct)
    {
        var space = await db.Spaces.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (space is null || !await IsMemberAsync(db, space, user, ct))
        {
            return Problems.NotFound("Space", id);
        }

        var (request, problem) = await JsonBody.ReadAsync<StartThreadRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var title = errors.RequireText("title", request!.Title, SpaceThread.MaxTitleLength);
        var (body, mentions) = await ValidatePostAsync(db, space, errors, request.Body, request.Mentions, ct);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        var thread = new SpaceThread
        {
            Id = Guid.CreateVersion7(now), SpaceId = id, Title = title, StartedBy = CallerScope.Of(user).Person, CreatedAt = now, LastPostAt = now,
        };
        db.SpaceThreads.Add(thread);
        var post = NewPost(thread.Id, user, markdown, body, mentions, now);
        db.SpacePosts.Add(post);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/portal/threads/{thread.Id}",
            new ThreadWithPosts(Response(thread), new PagedList<PostResponse>([Response(post)], 1, 1, 1)));
    }

    public static async Task<Results<Ok<PagedList<ThreadResponse>>, ValidationProblem, ProblemHttpResult>> ListThreadsAsync(Guid id,
        ClaimsPrincipal user, PortalDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var space = await db.Spaces.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (space is null || !await IsMemberAsync(db, space, user, ct))
        {
            return Problems.NotFound("Space", id);
        }

        var threads = db.SpaceThreads.AsNoTracking().Where(t => t.SpaceId == id);
        var total = await threads.LongCountAsync(ct);
        var items = await threads.OrderByDescending(t => t.LastPostAt).ThenBy(t => t.Id).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<ThreadResponse>(items.Select(Response).ToList(), paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Ok<ThreadWithPosts>, ValidationProblem, ProblemHttpResult>> GetThreadAsync(Guid id,
        ClaimsPrincipal user, PortalDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var thread = await db.SpaceThreads.AsNoTracking().SingleOrDefaultAsync(t => t.Id == id, ct);
        var space = thread is null ? null : await db.Spaces.AsNoTracking().SingleAsync(s => s.Id == thread.SpaceId, ct);
        if (space is null || !await IsMemberAsync(db, space, user, ct))
        {
            return Problems.NotFound("Thread", id);
        }

        var posts = db.SpacePosts.AsNoTracking().Where(p => p.ThreadId == id);
        var total = await posts.LongCountAsync(ct);
        var items = await posts.OrderBy(p => p.Number).Skip(paging.Skip).Take(paging.PageSize).ToListAsync(ct);
        return TypedResults.Ok(new ThreadWithPosts(Response(thread!),
            new PagedList<PostResponse>(items.Select(Response).ToList(), paging.Page, paging.PageSize, total)));
    }

    public static async Task<Results<Created<PostResponse>, ValidationProblem, ProblemHttpResult>> AddPostAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, PortalDbContext db, Markdown markdown, TimeProvider time, CancellationToken ct)
    {
        var thread = await db.SpaceThreads.SingleOrDefaultAsync(t => t.Id == id, ct);
        var space = thread is null ? null : await db.Spaces.AsNoTracking().SingleAsync(s => s.Id == thread.SpaceId, ct);
        if (space is null || !await IsMemberAsync(db, space, user, ct))
        {
            return Problems.NotFound("Thread", id);
        }

        var (request, problem) = await JsonBody.ReadAsync<AddPostRequest>(http, ct);
        if (problem is not null)
        {
            return problem;
        }

        var errors = new ValidationErrors();
        var (body, mentions) = await ValidatePostAsync(db, space, errors, request!.Body, request.Mentions, ct);
        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var now = time.GetUtcNow();
        var post = NewPost(id, user, markdown, body, mentions, now);
        db.SpacePosts.Add(post);
        thread!.LastPostAt = now;
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/portal/threads/{id}", Response(post));
    }

    public static async Task<Results<Ok<PagedList<MentionResponse>>, ValidationProblem>> MentionsAsync(ClaimsPrincipal user,
        PortalDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var person = CallerScope.Of(user).Person ?? Guid.Empty;
        var mentions = from p in db.SpacePosts.AsNoTracking()
                       join t in db.SpaceThreads on p.ThreadId equals t.Id
                       where p.Mentions.Contains(person)
                       select new { Post = p.Id, Thread = t.Id, t.SpaceId, t.Title, p.CreatedAt };
        var total = await mentions.LongCountAsync(ct);
        var items = (await mentions.OrderByDescending(m => m.CreatedAt).ThenBy(m => m.Post).Skip(paging.Skip).Take(paging.PageSize)
                .ToListAsync(ct))
            .Select(m => new MentionResponse(m.Post, m.Thread, m.SpaceId, m.Title, m.CreatedAt)).ToList();
        return TypedResults.Ok(new PagedList<MentionResponse>(items, paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<Created<DocumentResponse>, ValidationProblem, ProblemHttpResult>> UploadAsync(Guid id,
        HttpRequest http, ClaimsPrincipal user, PortalDbContext db, TimeProvider time, CancellationToken ct, string? name = null)
    {
        var space = await db.Spaces.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (space is null || !await IsMemberAsync(db, space, user, ct))
        {
            return Problems.NotFound("Space", id);
        }

        var errors = new ValidationErrors();
        var fileName = errors.RequireText("name", name, SpaceDocument.MaxNameLength);
        if (fileName.IndexOfAny(['/', '\\']) >= 0)
        {
            errors.Add("name", "A file name, without a folder.");
        }

        if (!errors.IsValid)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var content = await ReadBodyAsync(http, ct);
        var detected = DocumentTypes.Detect(content);
        var declared = http.ContentType?.Split(';')[0].Trim().ToLowerInvariant();
        if (detected is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Document type not accepted",
                detail: $"The content is none of: {string.Join(", ", DocumentTypes.Allowed)} (the type is read from the content, not the name).");
        }

        if (declared != detected)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Document type does not match its content",
                detail: $"Sent as {declared ?? "no type"}, the content is {detected}.");
        }

        var now = time.GetUtcNow();
        var document = new SpaceDocument
        {
            Id = Guid.CreateVersion7(now), SpaceId = id, Name = fileName, ContentType = detected, Size = content.Length,
            Sha256 = Convert.ToHexStringLower(SHA256.HashData(content)), Content = content, UploadedBy = CallerScope.Of(user).Person,
            UploadedAt = now,
        };
        db.SpaceDocuments.Add(document);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/portal/documents/{document.Id}", Response(document));
    }

    public static async Task<Results<Ok<PagedList<DocumentResponse>>, ValidationProblem, ProblemHttpResult>> ListDocumentsAsync(Guid id,
        ClaimsPrincipal user, PortalDbContext db, CancellationToken ct, int? page = null, int? pageSize = null)
    {
        var (paging, problem) = PageRequest.From(page, pageSize);
        if (problem is not null)
        {
            return problem;
        }

        var space = await db.Spaces.AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (space is null || !await IsMemberAsync(db, space, user, ct))
        {
            return Problems.NotFound("Space", id);
        }

        var documents = db.SpaceDocuments.AsNoTracking().Where(d => d.SpaceId == id);
        var total = await documents.LongCountAsync(ct);
        var items = await documents.OrderByDescending(d => d.UploadedAt).ThenBy(d => d.Id).Skip(paging.Skip).Take(paging.PageSize)
            .Select(d => new DocumentResponse(d.Id, d.SpaceId, d.Name, d.ContentType, d.Size, d.Sha256, d.UploadedAt)).ToListAsync(ct);
        return TypedResults.Ok(new PagedList<DocumentResponse>(items, paging.Page, paging.PageSize, total));
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> DownloadAsync(Guid id, HttpContext http,
        ClaimsPrincipal user, PortalDbContext db, CancellationToken ct)
    {
        var document = await db.SpaceDocuments.AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct);
        var space = document is null ? null : await db.Spaces.AsNoTracking().SingleAsync(s => s.Id == document.SpaceId, ct);
        if (space is null || !await IsMemberAsync(db, space, user, ct))
        {
            return Problems.NotFound("Document", id);
        }

        // The checksum it was stored with (RFC 9530), so the reader can check what they received.
        http.Response.Headers["Repr-Digest"] = $"sha-256=:{Convert.ToBase64String(Convert.FromHexString(document!.Sha256))}:";
        return TypedResults.File(document.Content, document.ContentType, document.Name);
    }

    /// <summary>A member: named in the space, or a delegate of the union whose instance it is.</summary>
    public static async Task<bool> IsMemberAsync(PortalDbContext db, Space space, ClaimsPrincipal user, CancellationToken ct)
    {
        var scope = CallerScope.Of(user);
        if (space.RegionalUnion is not null && scope.RegionalUnions.Contains(space.RegionalUnion))
        {
            return true;
        }

        return scope.Person is { } person && await db.SpaceMembers.AnyAsync(m => m.SpaceId == space.Id && m.PersonId == person, ct);
    }

    private static async Task<(string Body, List<Guid> Mentions)> ValidatePostAsync(PortalDbContext db, Space space,
        ValidationErrors errors, string? body, List<Guid>? mentions, CancellationToken ct)
    {
        var text = errors.RequireText("body", body, SpacePost.MaxBodyLength);
        var named = (mentions ?? []).Distinct().ToList();
        if (named.Count > SpacePost.MaxMentions)
        {
            errors.Add("mentions", $"At most {SpacePost.MaxMentions} people.");
        }
        else if (named.Count > 0)
        {
            var members = await db.SpaceMembers.CountAsync(m => m.SpaceId == space.Id && named.Contains(m.PersonId), ct);
            if (members != named.Count)
            {
                errors.Add("mentions", "Only members of the space are mentioned.");
            }
        }

        return (text, named);
    }

    private static SpacePost NewPost(Guid threadId, ClaimsPrincipal user, Markdown markdown, string body, List<Guid> mentions,
        DateTimeOffset now) => new()
    {
        Id = Guid.CreateVersion7(now),
        ThreadId = threadId,
        AuthorPersonId = CallerScope.Of(user).Person,
        Author = user.Author(),
        AuthorName = user.AuthorName(),
        BodyMarkdown = body,
        BodyHtml = markdown.Render(body).Html,
        Mentions = mentions,
        CreatedAt = now,
    };

    /// <summary>The whole body, refused past <see cref="SpaceDocument.MaxBytes"/> however it is sent.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > SpaceDocument.MaxBytes)
        {
            throw new BadHttpRequestException("A document is at most 1 MiB.", StatusCodes.Status413PayloadTooLarge);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > SpaceDocument.MaxBytes)
            {
                throw new BadHttpRequestException("A document is at most 1 MiB.", StatusCodes.Status413PayloadTooLarge);
            }
        }

        return buffer.ToArray();
    }

    private static SpaceResponse Response(Space s, IReadOnlyList<Guid> members) => new(s.Id, s.Name, s.Kind switch
    {
        SpaceKind.WorkingGroup => "working-group",
        SpaceKind.Instance => "instance",
        _ => "club",
    }, s.RegionalUnion, members);

    private static ThreadResponse Response(SpaceThread t) => new(t.Id, t.SpaceId, t.Title, t.CreatedAt, t.LastPostAt);

    private static PostResponse Response(SpacePost p) => new(p.Id, p.ThreadId, p.AuthorPersonId, p.BodyHtml, p.Mentions, p.CreatedAt,
        p.AuthorName);

    private static DocumentResponse Response(SpaceDocument d) => new(d.Id, d.SpaceId, d.Name, d.ContentType, d.Size, d.Sha256, d.UploadedAt);
}
