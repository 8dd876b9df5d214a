namespace PluginNet.WsServer.Tests.Security;

/// <summary>
/// The Lua script of the attacked server in the load tests: it echoes ("echo:X") and broadcasts
/// ("bcast:X") and prints its port; how it reports its client count and its frames depends on
/// where the test reads them (an application module in-process, printed lines from a process).
/// </summary>
internal static class AttackedServerScript
{
    /// <param name="reportClients">Lua run after every open and close (<c>srv</c> is in scope).</param>
    /// <param name="onFrame">Lua run every frame (<c>e</c> is the frame_update argument).</param>
    /// <param name="locals">Lua locals declared first, for the other two parts.</param>
    /// <param name="moreOps">Further <c>elseif op == ...</c> branches for the message handler.</param>
    public static string Build(string reportClients, string onFrame, string locals = "", string moreOps = "") => $$"""
        local srv
        {{locals}}
        local function report() {{reportClients}} end
        srv = net.ws_server:listen(0, {
          on_open = report,
          on_close = report,
          on_message = function(c, msg)
            local op, body = msg:match("^(%a+):(.*)$")
            if op == "echo" then srv:send(c, body)
            elseif op == "bcast" then srv:broadcast(body)
            {{moreOps}}
            end
          end,
        })
        event.on("frame_update", function(e) {{onFrame}} end)
        print("port=" .. srv.port)
        """;
}
