'use strict';
// The peer of the net.ws_server broadcast: a ws server on 127.0.0.1 that sends one 1 KB text message
// to every open client 60 times a second (drift-corrected, like a 60 fps frame loop). The message is
// encoded once and sent as a text frame. Prints "listening PORT". Usage: node broadcast-server.js
require('./lifetime')(600);
const { WebSocketServer, WebSocket } = require('ws');

const message = Buffer.from('x'.repeat(1024));
const frame = 1000 / 60;
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (ws) => ws.on('error', () => {}));
wss.on('listening', () => {
  console.log(`listening ${wss.address().port}`);
  const started = performance.now();
  let frames = 0;
  const tick = () => {
    for (const client of wss.clients) {
      if (client.readyState === WebSocket.OPEN) client.send(message, { binary: false });
    }
    frames++;
    setTimeout(tick, Math.max(0, started + (frames + 1) * frame - performance.now()));
  };
  tick();
});
