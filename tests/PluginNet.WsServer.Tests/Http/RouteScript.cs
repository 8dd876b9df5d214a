using System.Net.Http.Headers;

namespace PluginNet.WsServer.Tests.Http;

/// <summary>A script serving routes beside its WebSocket callbacks, and an HttpClient for its port.</summary>
internal static class RouteScript
{
    // "/echo" answers any method with "METHOD " .. body; "/later" answers when a WebSocket client
    // sends "answer"; "/never" never answers; "/boom" raises; "/bad-header" tries to split the response.
    public const string Script = """
        local srv
        local later = {}
        srv = net.ws_server:listen(0, {
          on_open = function(c) print("open " .. c) end,
          on_message = function(c, msg)
            if msg == "answer" then
              for _, res in ipairs(later) do print("late sent " .. tostring(res:send(200, "late answer", { ["X-Late"] = "yes" }))) end
              later = {}
            end
          end,
        }, { answer_timeout = 1, max_body_bytes = 100000 })
        srv:route("*", "/echo", function(req, res)
          print("echo " .. req.method .. " " .. #req.body)
          res:send(201, req.method .. " " .. req.body, { ["X-Method"] = req.method, ["Content-Type"] = "application/octet-stream" })
        end)
        srv:route("GET", "/later", function(req, res) later[#later + 1] = res print("waiting") end)
        srv:route("GET", "/never", function(req, res) print("never answering " .. req.path) end)
        srv:route("GET", "/boom", function(req, res) error("boom in handler") end)
        srv:route("GET", "/bad-header", function(req, res)
          print("bad header sent " .. tostring(res:send(200, "x", { ["X-Evil"] = "a\r\nSet-Cookie: pwn=1" })))
        end)
        srv:route("get", "/api/*", function(req, res)
          res:send(200, "prefix " .. req.path .. " a=" .. tostring(req.query.a) .. " remote=" .. tostring(req.remote:match("^127%.0%.0%.1:%d+$") ~= nil))
        end)
        srv:route("GET", "/twice", function(req, res)
          print("first " .. tostring(res:send(200, "one")) .. " second " .. tostring(res:send(200, "two")))
        end)
        print("port=" .. srv.port .. " id=" .. srv.id)
        """;

    public static HttpClient Client(int port) => new()
    {
        BaseAddress = new Uri($"http://127.0.0.1:{port}/"),
        Timeout = TimeSpan.FromSeconds(20),
    };

    public static ByteArrayContent Bytes(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }
}
