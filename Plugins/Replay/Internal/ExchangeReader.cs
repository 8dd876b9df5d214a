using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace PluginNet.Plugins.Replay.Internal;

/// <summary>
/// Reads one exchange file with <see cref="JsonDocument"/> (never JsonSerializer: see <see cref="ExchangeWriter"/>).
/// Lenient where a hand-written recording would leave things out; precise about what is wrong.
/// </summary>
internal static class ExchangeReader
{
    private static JsonDocumentOptions Options => new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };

    /// <exception cref="InvalidDataException">The file is not a valid exchange; the message names the file and the field.</exception>
    /// <exception cref="IOException">The file or a side file cannot be read.</exception>
    public static RecordedExchange Read(string folder, string fileName)
    {
        var bytes = File.ReadAllBytes(Path.Combine(folder, fileName));
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, Options);
        }
        catch (JsonException ex)
        {
            throw new InvalidDataException($"{fileName} is not valid JSON (line {ex.LineNumber + 1}): {ex.Message}", ex);
        }

        using (document)
        {
            return new Parser(folder, fileName).Exchange(document.RootElement);
        }
    }

    private sealed class Parser(string folder, string fileName)
    {
        public RecordedExchange Exchange(JsonElement root)
        {
            Expect(root, JsonValueKind.Object, "the file");
            if (root.TryGetProperty(CassetteFormat.VersionField, out var version)
                && !(version.ValueKind == JsonValueKind.Number && version.TryGetInt32(out var number)
                    && number is >= CassetteFormat.OldestReadableVersion and <= CassetteFormat.Version))
            {
                throw Invalid(CassetteFormat.VersionField, $"must be {CassetteFormat.OldestReadableVersion} to {CassetteFormat.Version} (the versions this plugin reads)");
            }

            var request = Required(root, CassetteFormat.Request, JsonValueKind.Object, CassetteFormat.Request);
            var method = RequiredString(request, CassetteFormat.Method, "request.method");
            if (method.Length == 0)
            {
                throw Invalid("request.method", "must not be empty");
            }

            var urlText = RequiredString(request, CassetteFormat.Url, "request.url");
            if (!Uri.TryCreate(urlText, UriKind.Absolute, out var url))
            {
                throw Invalid("request.url", $"\"{urlText}\" is not an absolute URL");
            }

            var requestHash = request.TryGetProperty(CassetteFormat.Upload, out var upload)
                ? Upload(upload).Hash()
                : BodyHash(request, "request");

            var response = Required(root, CassetteFormat.Response, JsonValueKind.Object, CassetteFormat.Response);
            var statusElement = Required(response, CassetteFormat.Status, JsonValueKind.Number, "response.status");
            if (!statusElement.TryGetInt32(out var status) || status is < 0 or > 999)
            {
                throw Invalid("response.status", "must be a whole number from 0 to 999 (0: no response arrived)");
            }

            var ok = status is >= 200 and <= 299;
            if (response.TryGetProperty(CassetteFormat.Ok, out var okElement))
            {
                ok = okElement.ValueKind switch
                {
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    _ => throw Invalid("response.ok", "must be true or false"),
                };
            }

            var error = ok ? string.Empty : status == 0 ? "no response (recorded)" : $"HTTP {status}";
            if (response.TryGetProperty(CassetteFormat.Error, out var errorElement))
            {
                Expect(errorElement, JsonValueKind.String, "response.error");
                error = errorElement.GetString()!;
            }

            var body = Body(response, "response");
            return new RecordedExchange(fileName, ExchangeKey.Compose(method, url, requestHash), status, ok, error, body)
            {
                Headers = ResponseHeaders(response),
                FinalUrl = OptionalUrl(response, CassetteFormat.Url, "response.url"),
                Redirects = OptionalCount(response, CassetteFormat.Redirects, "response.redirects"),
            };
        }

        private List<KeyValuePair<string, string>> ResponseHeaders(JsonElement response)
        {
            var headers = new List<KeyValuePair<string, string>>();
            if (!response.TryGetProperty(CassetteFormat.Headers, out var list))
            {
                return headers;
            }

            if (list.ValueKind != JsonValueKind.Array)
            {
                throw Invalid("response.headers", "must be an array of [name, value] pairs");
            }

            foreach (var pair in list.EnumerateArray())
            {
                if (pair.ValueKind != JsonValueKind.Array || pair.GetArrayLength() != 2
                    || pair[0].ValueKind != JsonValueKind.String || pair[1].ValueKind != JsonValueKind.String)
                {
                    throw Invalid($"response.headers[{headers.Count}]", "must be a [name, value] pair of strings");
                }

                headers.Add(new(pair[0].GetString()!, pair[1].GetString()!));
            }

            return headers;
        }

        private Uri? OptionalUrl(JsonElement owner, string name, string at)
        {
            if (!owner.TryGetProperty(name, out var element))
            {
                return null;
            }

            Expect(element, JsonValueKind.String, at);
            return Uri.TryCreate(element.GetString(), UriKind.Absolute, out var url)
                ? url
                : throw Invalid(at, $"\"{element.GetString()}\" is not an absolute URL");
        }

        private int OptionalCount(JsonElement owner, string name, string at)
        {
            if (!owner.TryGetProperty(name, out var element))
            {
                return 0;
            }

            Expect(element, JsonValueKind.Number, at);
            return element.TryGetInt32(out var count) && count >= 0 ? count : throw Invalid(at, "must be a whole number, 0 or more");
        }

        private UploadIdentity Upload(JsonElement upload)
        {
            Expect(upload, JsonValueKind.Object, "request.upload");
            var fileHash = OptionalString(upload, CassetteFormat.FileSha256, "request.upload.file_sha256");
            List<UploadIdentity.Part>? parts = null;
            if (upload.TryGetProperty(CassetteFormat.Multipart, out var list))
            {
                if (list.ValueKind != JsonValueKind.Array)
                {
                    throw Invalid("request.upload.multipart", "must be an array of parts");
                }

                parts = [];
                foreach (var part in list.EnumerateArray())
                {
                    var at = $"request.upload.multipart[{parts.Count}]";
                    Expect(part, JsonValueKind.Object, at);
                    parts.Add(new UploadIdentity.Part(
                        RequiredString(part, CassetteFormat.Name, at + ".name"),
                        OptionalString(part, CassetteFormat.Value, at + ".value"),
                        OptionalString(part, CassetteFormat.FileName, at + ".filename"),
                        OptionalString(part, CassetteFormat.ContentType, at + ".content_type"),
                        OptionalString(part, CassetteFormat.FileSha256, at + ".file_sha256")));
                }
            }

            return new UploadIdentity(fileHash, parts);
        }

        private string? OptionalString(JsonElement owner, string name, string at)
        {
            if (!owner.TryGetProperty(name, out var element))
            {
                return null;
            }

            Expect(element, JsonValueKind.String, at);
            return element.GetString();
        }

        private byte[] BodyHash(JsonElement owner, string at)
        {
            if (owner.TryGetProperty(CassetteFormat.BodyFile, out _))
            {
                var path = SideFile(owner, at);
                using var stream = File.OpenRead(path);
                return SHA256.HashData(stream);
            }

            return SHA256.HashData(InlineBody(owner, at));
        }

        private RecordedBody Body(JsonElement owner, string at) =>
            owner.TryGetProperty(CassetteFormat.BodyFile, out _)
                ? RecordedBody.FromFile(SideFile(owner, at))
                : RecordedBody.FromBytes(InlineBody(owner, at));

        private string SideFile(JsonElement owner, string at)
        {
            var name = RequiredString(owner, CassetteFormat.BodyFile, $"{at}.body_file");
            if (name.Length == 0 || Path.GetFileName(name) != name)
            {
                throw Invalid($"{at}.body_file", $"\"{name}\" must be the name of a file in the cassette folder");
            }

            var path = Path.Combine(folder, name);
            if (!File.Exists(path))
            {
                throw Invalid($"{at}.body_file", $"\"{name}\" does not exist in {folder}");
            }

            return path;
        }

        private byte[] InlineBody(JsonElement owner, string at)
        {
            if (!owner.TryGetProperty(CassetteFormat.Body, out var body))
            {
                return [];
            }

            Expect(body, JsonValueKind.String, $"{at}.body");
            var encoding = CassetteFormat.Utf8Encoding;
            if (owner.TryGetProperty(CassetteFormat.BodyEncoding, out var encodingElement))
            {
                Expect(encodingElement, JsonValueKind.String, $"{at}.body_encoding");
                encoding = encodingElement.GetString()!;
            }

            if (encoding == CassetteFormat.Base64Encoding)
            {
                return body.TryGetBytesFromBase64(out var bytes)
                    ? bytes
                    : throw Invalid($"{at}.body", "is not valid base64 (body_encoding is \"base64\")");
            }

            if (encoding != CassetteFormat.Utf8Encoding)
            {
                throw Invalid($"{at}.body_encoding", $"must be \"{CassetteFormat.Utf8Encoding}\" or \"{CassetteFormat.Base64Encoding}\", not \"{encoding}\"");
            }

            try
            {
                return Encoding.UTF8.GetBytes(body.GetString()!);
            }
            catch (InvalidOperationException ex)
            {
                throw Invalid($"{at}.body", $"is not valid text: {ex.Message}");
            }
        }

        private JsonElement Required(JsonElement owner, string name, JsonValueKind kind, string at)
        {
            if (!owner.TryGetProperty(name, out var value))
            {
                throw Invalid(at, "is missing");
            }

            Expect(value, kind, at);
            return value;
        }

        private string RequiredString(JsonElement owner, string name, string at) =>
            Required(owner, name, JsonValueKind.String, at).GetString()!;

        private void Expect(JsonElement value, JsonValueKind kind, string at)
        {
            if (value.ValueKind != kind)
            {
                var expected = kind switch
                {
                    JsonValueKind.Object => "an object",
                    JsonValueKind.String => "a string",
                    JsonValueKind.Number => "a number",
                    JsonValueKind.Array => "an array",
                    _ => kind.ToString(),
                };
                throw Invalid(at, $"must be {expected}, not {value.ValueKind.ToString().ToLowerInvariant()}");
            }
        }

        private InvalidDataException Invalid(string field, string problem) => new($"{fileName}: '{field}' {problem}");
    }
}
