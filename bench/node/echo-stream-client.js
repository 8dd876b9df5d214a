'use strict';
// The peer of the Lua stream echo client: one connection with INFLIGHT messages in flight, one more
// sent for every reply. Times COUNT replies after WARMUP and prints "rate N" (round trips/s).
// Usage: node echo-stream-client.js URL COUNT WARMUP SIZE INFLIGHT
require('./lifetime')(300);
const WebSocket = require('ws');

const [url, count, warmup, size, inflight] =
  [process.argv[2], +process.argv[3], +process.argv[4], +process.argv[5], +process.argv[6]];
const message = 'x'.repeat(size);
const ws = new WebSocket(url);
let received = 0;
let started = 0n;

ws.on('open', () => {
  for (let i = 0; i < inflight; i++) ws.send(message);
});
ws.on('message', () => {
  received++;
  if (received === warmup) {
    started = process.hrtime.bigint();
  }
  if (received === warmup + count) {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    console.log(`rate ${(count / seconds).toFixed(1)}`);
    ws.close();
  } else if (received < warmup + count) {
    ws.send(message);
  }
});
ws.on('close', () => process.exit(0));
ws.on('error', (err) => { console.error(`echo-stream-client: ${err.message}`); process.exit(1); });
