// Preload (`node --require test/support/egress-guard.cjs …`) that records and blocks every connection
// and DNS look-up beyond loopback, so a test can prove that a process reaches nothing it was not told to.
// Each attempt is appended as one JSON line to $EGRESS_GUARD_LOG (or written to stderr without it).
// Plain CommonJS on purpose: it must load before tsx, Apollo or anything else the process imports.
'use strict';
const dns = require('node:dns');
const fs = require('node:fs');
const net = require('node:net');

const LOG = process.env.EGRESS_GUARD_LOG;
// With $EGRESS_GUARD_PIDS, every process the guard is loaded into says so (pid and command line), so a
// test can check that the guard really was in each process it started (NODE_OPTIONS reaches children).
if (process.env.EGRESS_GUARD_PIDS) {
  fs.appendFileSync(process.env.EGRESS_GUARD_PIDS, `${JSON.stringify({ pid: process.pid, argv: process.argv })}\n`);
}

/** Loopback names and addresses; a Unix socket (a path) is local too. */
function isLoopback(host) {
  if (host === undefined || host === null || host === '') return true; // Node's default host is localhost
  const h = String(host)
    .replace(/^\[|\]$/g, '')
    .toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (/^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(h)) return true;
  return false;
}

function record(kind, target) {
  const line = JSON.stringify({
    pid: process.pid,
    kind,
    target,
    stack: new Error().stack
      .split('\n')
      .slice(2, 9)
      .map((s) => s.trim()),
  });
  if (LOG) fs.appendFileSync(LOG, `${line}\n`);
  else process.stderr.write(`[egress-guard] ${line}\n`);
}

function blocked(kind, target) {
  const error = new Error(`egress guard: ${kind} to ${target} blocked (not loopback)`);
  error.code = 'EGRESS_BLOCKED';
  return error;
}

// DNS: every look-up of a name that is not loopback.
const lookup = dns.lookup;
dns.lookup = function guardedLookup(hostname, options, callback) {
  if (isLoopback(hostname)) return lookup.apply(this, arguments);
  const cb = typeof options === 'function' ? options : callback;
  record('dns.lookup', hostname);
  process.nextTick(() => cb(blocked('dns.lookup', hostname)));
  return {};
};
const promisesLookup = dns.promises.lookup;
dns.promises.lookup = function guardedPromisesLookup(hostname, ...rest) {
  if (isLoopback(hostname)) return promisesLookup.call(this, hostname, ...rest);
  record('dns.promises.lookup', hostname);
  return Promise.reject(blocked('dns.promises.lookup', hostname));
};
for (const name of ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveCname', 'resolveTxt', 'resolveSrv']) {
  const original = dns[name];
  dns[name] = function guardedResolve(hostname, ...rest) {
    if (isLoopback(hostname)) return original.call(this, hostname, ...rest);
    record(`dns.${name}`, hostname);
    const cb = rest.at(-1);
    if (typeof cb === 'function') process.nextTick(() => cb(blocked(`dns.${name}`, hostname)));
    return undefined;
  };
}

// TCP (and TLS, HTTP, fetch/undici, which all open a net.Socket): every connection beyond loopback.
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function guardedConnect(...args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  let host;
  let port;
  let path;
  if (first && typeof first === 'object') {
    host = first.host;
    port = first.port;
    path = first.path;
  } else if (typeof first === 'string' && !/^\d+$/.test(first)) {
    path = first;
  } else {
    port = first;
    host = typeof args[1] === 'string' ? args[1] : undefined;
  }
  if (path || isLoopback(host)) return connect.apply(this, args);
  const target = `${host}:${port}`;
  record('net.connect', target);
  process.nextTick(() => this.destroy(blocked('net.connect', target)));
  return this;
};
