using LearningNavigator.Documents;

namespace LearningNavigator.Tests.Domain.Documents;

public sealed class LibraryManifestLoaderTests : IDisposable
{
    private readonly TempDirectory _folder = new();

    public void Dispose() => _folder.Dispose();

    private Task<LibraryManifest> LoadAsync(string json)
    {
        _folder.Write(LibraryManifest.FileName, json);
        return LibraryManifestLoader.LoadAsync(_folder.Path, CancellationToken.None);
    }

    [Fact]
    public async Task Valid_manifest_loads_every_entry()
    {
        _folder.Write("algee-action-plan.md", "# ALGEE\n\nText.");
        _folder.Write("facturacion.md", "# Facturación\n\nTexto.");

        var manifest = await LoadAsync("""
            { "documents": [
              { "file": "algee-action-plan.md", "id": "algee-action-plan", "title": "The ALGEE Action Plan", "language": "en", "roles": ["instructor","staff","admin"] },
              { "file": "facturacion.md", "id": "facturacion", "title": "Facturación", "language": "es", "roles": ["instructor"] }
            ] }
            """);

        Assert.Equal(["algee-action-plan", "facturacion"], manifest.Documents.Select(d => d.Id));
        var metadata = manifest.Documents[0].ToMetadata();
        Assert.Equal("The ALGEE Action Plan", metadata.Title);
        Assert.Equal("algee-action-plan.md", metadata.FileName);
        Assert.Equal(["instructor", "staff", "admin"], metadata.Roles);
        Assert.Equal("es", manifest.Documents[1].Language);
    }

    [Theory]
    [InlineData("""{ "file": "a.md", "id": "a", "title": "A", "language": "en", "roles": ["student"] }""", "role 'student' is unknown")]
    [InlineData("""{ "file": "missing.md", "id": "a", "title": "A", "language": "en", "roles": ["staff"] }""", "file 'missing.md' does not exist")]
    [InlineData("""{ "file": "a.md", "id": "a", "title": "A", "language": "fr", "roles": ["staff"] }""", "language 'fr'")]
    [InlineData("""{ "file": "a.md", "id": "A Doc", "title": "A", "language": "en", "roles": ["staff"] }""", "id must be lower-case")]
    [InlineData("""{ "file": "a.md", "id": "a", "title": "", "language": "en", "roles": ["staff"] }""", "title is missing")]
    [InlineData("""{ "file": "a.md", "id": "a", "title": "A", "language": "en", "roles": [] }""", "roles are missing")]
    [InlineData("""{ "file": "../outside.md", "id": "a", "title": "A", "language": "en", "roles": ["staff"] }""", "outside the library folder")]
    public async Task Invalid_entry_is_rejected_with_a_message_naming_it(string entry, string expected)
    {
        _folder.Write("a.md", "text");

        var ex = await Assert.ThrowsAsync<LibraryManifestException>(() => LoadAsync($$"""{ "documents": [ {{entry}} ] }"""));

        var error = Assert.Single(ex.Errors);
        Assert.StartsWith("Entry 1 (", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Duplicate_ids_are_rejected_naming_the_second_entry()
    {
        _folder.Write("a.md", "text");
        _folder.Write("b.md", "text");

        var ex = await Assert.ThrowsAsync<LibraryManifestException>(() => LoadAsync("""
            { "documents": [
              { "file": "a.md", "id": "guide", "title": "A", "language": "en", "roles": ["staff"] },
              { "file": "b.md", "id": "guide", "title": "B", "language": "en", "roles": ["staff"] }
            ] }
            """));

        var error = Assert.Single(ex.Errors);
        Assert.Equal("Entry 2 ('guide'): duplicate id 'guide'.", error);
    }

    [Fact]
    public async Task All_problems_are_reported_together()
    {
        var ex = await Assert.ThrowsAsync<LibraryManifestException>(() => LoadAsync("""
            { "documents": [
              { "file": "x.md", "id": "x", "title": "X", "language": "en", "roles": ["staff"] },
              { "file": "y.md", "id": "y", "title": "Y", "language": "de", "roles": ["staff"] }
            ] }
            """));

        Assert.Equal(3, ex.Errors.Count);
        Assert.Contains(ex.Errors, e => e.StartsWith("Entry 2 ('y')", StringComparison.Ordinal) && e.Contains("language 'de'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_manifest_and_bad_json_are_clear_errors()
    {
        var missing = await Assert.ThrowsAsync<LibraryManifestException>(() => LibraryManifestLoader.LoadAsync(_folder.Path, CancellationToken.None));
        Assert.Contains("library.json", missing.Message, StringComparison.Ordinal);

        var malformed = await Assert.ThrowsAsync<LibraryManifestException>(() => LoadAsync("{ \"documents\": [ "));
        Assert.Contains("not valid JSON", malformed.Message, StringComparison.Ordinal);

        var noArray = await Assert.ThrowsAsync<LibraryManifestException>(() => LoadAsync("{ }"));
        Assert.Contains("documents", noArray.Message, StringComparison.Ordinal);
    }
}
