#!/usr/bin/env node
/*
 * The `cptlint` command. cptlint itself (dist/src/cli.js) is an ES module written for
 * Node.js >= 20.19, and an older node stops at its first newer syntax with a message
 * that says nothing about versions. This launcher is CommonJS in ES5 syntax on purpose:
 * any node can read it, say which version cptlint needs, and exit 2 (the exit status
 * for "could not run"). test/install/launcher.test.ts checks that it parses as ES5.
 */
'use strict';

var REQUIRED = [20, 19];

function tooOld(version) {
  var parts = version.split('.');
  var major = Number(parts[0]);
  var minor = Number(parts[1]);
  return major < REQUIRED[0] || (major === REQUIRED[0] && minor < REQUIRED[1]);
}

if (tooOld(process.versions.node)) {
  process.stderr.write(
    'cptlint: needs Node.js >= ' + REQUIRED.join('.') + ', but this is Node.js ' + process.versions.node +
      ' (' + process.execPath + ')\n'
  );
  process.exit(2);
}

var path = require('path');
var url = require('url');
// import() is newer syntax than ES5: built at run time, where the version is known to have it.
var importModule = new Function('specifier', 'return import(specifier)');
importModule(url.pathToFileURL(path.join(__dirname, '..', 'dist', 'bundle', 'cli.js')).href).catch(function (error) {
  process.stderr.write('cptlint: cannot load ' + path.join(__dirname, '..', 'dist', 'bundle', 'cli.js') + ': ' +
    ((error && error.message) || error) + '\n');
  process.exit(2);
});
