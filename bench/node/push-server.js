'use strict';
// Event-latency source: to each client that connects it sends COUNT text messages at random
// intervals of MIN..MAX ms (so they land at every phase of a 60 fps frame), each carrying the
// monotonic clock (CLOCK_MONOTONIC, ns) read just before the send; then it closes with 1000.
// Prints "ready PORT". Usage: node push-server.js COUNT MIN_MS MAX_MS
require('./lifetime')(600);
const { WebSocketServer } = require('ws');

const [count, minMs, maxMs] = [+process.argv[2], +process.argv[3], +process.argv[4]];
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
wss.on('connection', (ws) => {
  let sent = 0;
  ws.on('error', () => {});
  const next = () => {
    if (ws.readyState !== ws.OPEN) return;
    if (sent === count) {
      ws.close(1000, 'done');
      return;
    }
    sent++;
    ws.send(process.hrtime.bigint().toString());
    setTimeout(next, minMs + Math.random() * (maxMs - minMs));
  };
  setTimeout(next, 200); // let the client settle after the handshake
});
wss.on('listening', () => console.log(`ready ${wss.address().port}`));
