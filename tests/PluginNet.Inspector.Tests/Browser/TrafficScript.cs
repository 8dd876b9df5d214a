using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using PluginNet.TestSupport;

namespace PluginNet.Inspector.Tests.Browser;

/// <summary>
/// The end-to-end test's traffic: local peers on 127.0.0.1 (HTTP 200, 404, a redirect, a slow body to
/// cancel, a WebSocket echo) and a Lua script that uses them once a client joins its ws_server (so the
/// page is already open), broadcasts to that client, and unloads itself when it leaves.
/// </summary>
internal static class TrafficScript
{
    public const string Json = "{\"hero\":\"ada\",\"level\":7}";

    public static Task<TestHttpServer> StartPeersAsync() => TestHttpServer.StartAsync(app =>
    {
        app.MapGet("/ok", () => Results.Text(Json, "application/json"));
        app.MapGet("/missing", () => Results.NotFound());
        app.MapGet("/redirect", () => Results.Redirect("/ok"));
        app.MapGet("/slow", async context =>
        {
            // A first chunk the script sees (and cancels on), then a body that never ends in time.
            await context.Response.WriteAsync("first chunk", context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(TimeSpan.FromSeconds(30), context.RequestAborted);
        });
        TestHttpServer.MapEcho(app, "/echo");
    });

    public static string Write(TestHttpServer peers) => LuaScripts.Write($$"""
        local base, echo = "{{peers.BaseUrl}}", "{{peers.WebSocketUrl("/echo")}}"
        local function traffic()
          net.http:get(base .. "/ok?token=s3cr3t&page=1", { headers = { Authorization = "Bearer s3cr3t" } },
            function(r) print("ok " .. r.status) end)
          net.http:get(base .. "/missing", function(r) print("missing " .. r.status) end)
          net.http:get(base .. "/redirect", function(r) print("redirect " .. r.status .. " " .. r.redirects) end)
          local slow
          slow = net.http:get(base .. "/slow", { on_chunk = function() slow:cancel() end },
            function(r) print("slow " .. r.error) end)
          net.ws:connect(echo, {
            on_open = function(id) net.ws:send(id, '{"hello":"inspector"}') end,
            on_message = function(id, msg) print("echoed " .. msg) net.ws:close(id) end,
            on_close = function(id, code) print("ws closed " .. code) end,
          })
        end
        local srv
        srv = net.ws_server:listen(0, {
          on_open = function(c) srv:broadcast("broadcast to all") traffic() end,
          on_close = function(c) print("client left") script.unload() end,
        })
        print("listening " .. srv.port)
        """, "traffic.lua");
}
