'use strict';
// WebSocket echo server on 127.0.0.1: every message comes back as it arrived (text as text).
// Prints "ready PORT". Usage: node echo-server.js
require('./lifetime')(600);
const { WebSocketServer } = require('ws');

const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 * 1024 * 1024 });
wss.on('connection', (ws) => {
  ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary }));
  ws.on('error', () => {});
});
wss.on('listening', () => console.log(`ready ${wss.address().port}`));
