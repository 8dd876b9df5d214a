'use strict';
// The peer of the Lua event-latency client: for every message from push-server.js, the time from
// the server's clock reading to this handler, in microseconds. Prints "latencies a,b,c,...".
// Usage: node push-client.js URL
require('./lifetime')(300);
const WebSocket = require('ws');

const ws = new WebSocket(process.argv[2]);
const latencies = [];
ws.on('message', (data) => {
  latencies.push(Number(process.hrtime.bigint() - BigInt(data.toString())) / 1000);
});
ws.on('close', () => {
  console.log(`latencies ${latencies.map((l) => l.toFixed(1)).join(',')}`);
  process.exit(0);
});
ws.on('error', (err) => { console.error(`push-client: ${err.message}`); process.exit(1); });
