'use strict';
// Footprint peer: an idle Node process that prints "ready" and waits (until stdin closes).
require('./lifetime')(120);
console.log('ready');
