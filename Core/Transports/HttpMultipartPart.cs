namespace PluginNet.Core.Transports;

/// <summary>One part of a multipart/form-data request body: a text value or a file streamed from disk.</summary>
/// <param name="Name">The form field's name (the host has refused CR and LF).</param>
/// <param name="Value">The text value, or null for a file part.</param>
/// <param name="FilePath">
/// Absolute path of the file to stream, or null for a text part. The host has already checked that it
/// lies inside the download folder; a transport never reads it whole into memory.
/// </param>
/// <param name="FileName">The filename the server is told, or null for the file's own name (file parts only).</param>
/// <param name="ContentType">The part's Content-Type, or null for the default (text/plain or application/octet-stream).</param>
public sealed record HttpMultipartPart(string Name, string? Value, string? FilePath, string? FileName, string? ContentType);
