// A WebSocket peer on the `ws` package for PluginNet's tests: `node peer.js server '{json}'` or
// `node peer.js client '{json}'`. It reports what it sees as JSON lines on stdout and takes commands
// as JSON lines on stdin. Loopback only. Payloads travel base64-encoded.
'use strict';
const WebSocket = require('ws');
const readline = require('readline');

const mode = process.argv[2];
const config = JSON.parse(process.argv[3] || '{}');
const out = (event, fields) => process.stdout.write(JSON.stringify({ event, at: Date.now(), ...fields }) + '\n');
const sockets = new Set();

function watch(ws, extra) {
  sockets.add(ws);
  const raw = ws._socket;
  ws.on('message', (data, isBinary) => {
    out('message', { data: Buffer.from(data).toString('base64'), binary: isBinary });
    if (config.echo) ws.send(data, { binary: isBinary });
  });
  ws.on('ping', () => out('ping', {}));
  ws.on('pong', () => out('pong', {}));
  ws.on('close', (code, reason) => {
    sockets.delete(ws);
    out('close', { code, reason: reason.toString(), bytesRead: raw ? raw.bytesRead : 0, bytesWritten: raw ? raw.bytesWritten : 0 });
  });
  ws.on('error', (e) => out('error', { message: e.message }));
  if (config.noRead && raw) raw.pause();
  out(mode === 'server' ? 'connection' : 'open', { protocol: ws.protocol, extensions: ws.extensions, ...extra });
}

function stats() {
  for (const ws of sockets) {
    out('stats', { bytesRead: ws._socket.bytesRead, bytesWritten: ws._socket.bytesWritten });
  }
}

let server;
let refuse = config.refuse || 0;

function listen(port) {
  server = new WebSocket.Server({
    host: '127.0.0.1',
    port,
    perMessageDeflate: !!config.deflate,
    autoPong: config.autoPong !== false,
    maxPayload: 128 * 1024 * 1024,
    handleProtocols: (offered) => {
      if (config.pick) return config.pick; // may be one the client did not offer (a bad server)
      for (const p of config.protocols || []) if (offered.has(p)) return p;
      return false;
    },
    verifyClient: (info, done) => {
      out('handshake', { url: info.req.url });
      if (config.status) return done(false, config.status);
      if (refuse > 0) { refuse--; return done(false, 503); }
      done(true);
    },
  });
  server.on('listening', () => out('listening', { port: server.address().port }));
  server.on('connection', (ws, req) => watch(ws, { headers: req.headers, url: req.url }));
}

function command(line) {
  const c = JSON.parse(line);
  const data = c.data !== undefined ? Buffer.from(c.data, 'base64') : undefined;
  switch (c.cmd) {
    case 'send': for (const ws of sockets) ws.send(c.binary ? data : data.toString('utf8'), { binary: !!c.binary }); break;
    case 'close': for (const ws of sockets) ws.close(c.code || 1000, c.reason || ''); break;
    case 'stats': stats(); break;
    case 'restart': {
      // Drop every client without a close frame, stop listening, listen again on the same port.
      const port = server.address().port;
      for (const ws of sockets) ws.terminate();
      refuse = c.refuse || 0;
      server.close(() => { out('stopped', {}); listen(port); });
      break;
    }
    case 'exit': process.exit(0);
  }
}

readline.createInterface({ input: process.stdin }).on('line', command).on('close', () => process.exit(0));

if (mode === 'server') {
  listen(config.port || 0);
} else {
  const ws = new WebSocket(config.url, config.protocols || [], {
    perMessageDeflate: !!config.deflate,
    autoPong: config.autoPong !== false,
    headers: config.headers || {},
    maxPayload: 128 * 1024 * 1024,
  });
  ws.on('open', () => watch(ws, { headers: {} }));
  ws.on('unexpected-response', (req, res) => out('refused', { status: res.statusCode }));
  ws.on('error', (e) => out('error', { message: e.message }));
}
