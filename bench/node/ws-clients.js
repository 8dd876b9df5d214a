'use strict';
// COUNT WebSocket clients on one URL that only count what they receive. Prints "connected COUNT"
// once all are open, then "received TOTAL MILLISECONDS" every second (a monotonic clock). Usage: node ws-clients.js URL COUNT
require('./lifetime')(300);
const WebSocket = require('ws');

const [url, count] = [process.argv[2], +process.argv[3]];
let open = 0;
let received = 0;
for (let i = 0; i < count; i++) {
  const ws = new WebSocket(url);
  ws.on('open', () => {
    if (++open === count) console.log(`connected ${count}`);
  });
  ws.on('message', () => { received++; });
  ws.on('error', (err) => { console.error(`ws-clients: ${err.message}`); process.exit(1); });
  ws.on('close', () => { open--; });
}
setInterval(() => console.log(`received ${received} ${performance.now().toFixed(1)}`), 1000);
