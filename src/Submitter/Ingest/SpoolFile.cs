namespace ClayBus.Submitter.Ingest;

/// <summary>
/// The temporary file a body is spooled to before any row is used (<see cref="CsvBody"/>, <see cref="JsonBody"/>):
/// the operating system deletes it when it is closed, so a crashed or refused job leaves nothing on disk.
/// </summary>
public static class SpoolFile
{
    /// <summary>The read and write chunk: memory stays one buffer of this size whatever the body's size.</summary>
    public const int ChunkBytes = 64 * 1024;

    /// <param name="extension">The body's format without the dot (<c>csv</c>, <c>json</c>), to tell files apart on disk.</param>
    public static FileStream Create(string directory, string extension) =>
        new(
            Path.Combine(directory, $"claybus-job-{Guid.NewGuid():N}.{extension}"),
            FileMode.CreateNew,
            FileAccess.ReadWrite,
            FileShare.None,
            ChunkBytes,
            FileOptions.DeleteOnClose | FileOptions.Asynchronous);
}
