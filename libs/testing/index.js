// Compiled entry point: the monorepo builds every library into the top-level dist/ folder.
module.exports = require('../../dist/libs/testing/src/index.js');
