// Compiled entry point: the monorepo builds every library into the top-level dist/ folder.
module.exports = require('../../dist/libs/core/src/index.js');
