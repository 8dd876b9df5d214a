'use strict';
// Start-up peer: prints one line and exits (node start to first output).
console.log('first output');
