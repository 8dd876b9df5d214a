'use strict';
// The peer of the Lua echo client: one connection, one message in flight, the next sent from the
// message handler. Times COUNT round trips after WARMUP and prints "rate N" (round trips/s).
// Usage: node echo-client.js URL COUNT WARMUP SIZE
require('./lifetime')(300);
const WebSocket = require('ws');

const [url, count, warmup, size] = [process.argv[2], +process.argv[3], +process.argv[4], +process.argv[5]];
const message = 'x'.repeat(size);
const ws = new WebSocket(url);
let received = 0;
let started = 0n;

ws.on('open', () => ws.send(message));
ws.on('message', () => {
  received++;
  if (received === warmup) {
    started = process.hrtime.bigint();
  }
  if (received === warmup + count) {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`rate ${(count / seconds).toFixed(1)}`);
    ws.close();
  } else {
    ws.send(message);
  }
});
ws.on('close', () => process.exit(0));
ws.on('error', (err) => { console.error(`echo-client: ${err.message}`); process.exit(1); });
