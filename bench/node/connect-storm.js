'use strict';
// The peer of the connect-storm footprint: prints "ready", waits DELAY ms, then makes TOTAL WebSocket
// connections that fail (nothing listens on PORT of 127.0.0.1), INFLIGHT at a time, prints
// "storm done" and stays idle (its RSS is read then) until the harness closes its input.
// Usage: node connect-storm.js PORT TOTAL INFLIGHT DELAY
require('./lifetime')(600);
const WebSocket = require('ws');

const [port, total, inflight, delay] = process.argv.slice(2, 6).map(Number);
const url = `ws://127.0.0.1:${port}/`;
let started = 0;
let ended = 0;

function start() {
  started++;
  const ws = new WebSocket(url);
  ws.on('error', () => {});
  ws.on('close', () => {
    ended++;
    if (started < total) {
      start();
    } else if (ended === total) {
      console.log('storm done');
    }
  });
}

console.log('ready');
setTimeout(() => {
  for (let i = 0; i < inflight; i++) start();
}, delay);
