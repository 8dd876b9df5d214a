'use strict';
// Every peer stops by itself: when the harness closes our standard input (or dies), or after a
// bounded lifetime, whichever comes first. Nothing here ever talks to anything but 127.0.0.1.
module.exports = function bounded(seconds) {
  process.stdin.on('end', () => process.exit(0));
  process.stdin.on('error', () => process.exit(0));
  process.stdin.resume();
  setTimeout(() => process.exit(3), seconds * 1000).unref();
};
