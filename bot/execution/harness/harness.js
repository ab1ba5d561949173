// Runs inside the sandbox: load solution code, call it for each test, print each result.
// stdin is one JSON object (token, kind, name, code, tests); each result is one line
// "<token> <json>" on stdout. The candidate's console output goes to stderr. Expected values
// never enter the sandbox: the host compares.
"use strict";

const fs = require("fs");
const vm = require("vm");

const FILENAME = "solution.js";
const payload = JSON.parse(fs.readFileSync(0, "utf8"));
const token = payload.token;
const harnessPid = process.pid;

function emit(record) {
  fs.writeSync(1, token + " " + JSON.stringify(record) + "\n");
}

// Candidate output never mixes with the results.
const toStderr = (...args) => {
  fs.writeSync(2, args.map((a) => (typeof a === "string" ? a : require("util").inspect(a))).join(" ") + "\n");
};
console.log = console.info = console.debug = console.warn = console.error = toStderr;
process.stdout.write = (chunk) => {
  fs.writeSync(2, String(chunk));
  return true;
};

function camel(name) {
  return name.replace(/_([a-z0-9])/g, (_, c) => c.toUpperCase());
}

function describe(error) {
  if (error instanceof RangeError && /call stack/.test(error.message)) {
    return "RangeError: maximum call stack size exceeded";
  }
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return `thrown: ${String(error)}`;
}

function trace(error) {
  if (!(error instanceof Error) || typeof error.stack !== "string") return "";
  return error.stack
    .split("\n")
    .filter((line) => line.includes(FILENAME + ":"))
    .slice(0, 4)
    .map((line) => line.trim())
    .join("\n");
}

function plain(value) {
  if (value === undefined) return null;
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [k, plain(v)]));
  if (value instanceof Set) return [...value].map(plain);
  if (Array.isArray(value)) return value.map(plain);
  if (typeof value === "bigint") return Number(value);
  if (value !== null && typeof value === "object") {
    if (typeof value[Symbol.iterator] === "function") return [...value].map(plain);
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  }
  if (typeof value === "function") throw new TypeError("returned a function, not a value");
  return value;
}

function load() {
  const names = [payload.name, camel(payload.name), "Solution"];
  const lookup = names
    .map((n) => `${JSON.stringify(n)}: (typeof ${n} !== "undefined" ? ${n} : undefined)`)
    .join(", ");
  const module = { exports: {} };
  let found;
  try {
    const body = vm.compileFunction(payload.code + "\n;return {" + lookup + "};", ["module", "exports", "require"], {
      filename: FILENAME,
    });
    found = body(module, module.exports, require);
  } catch (error) {
    if (error instanceof SyntaxError) {
      const line = /solution\.js:(\d+)/.exec(String(error.stack));
      return { error: `SyntaxError: ${error.message}${line ? ` (line ${line[1]})` : ""}` };
    }
    return { error: describe(error), trace: trace(error) };
  }
  const exported = module.exports || {};
  for (const n of names.slice(0, 2)) {
    const target = found[n] !== undefined ? found[n] : exported[n];
    if (typeof target === "function") return { target };
  }
  // LeetCode style: the function as a method of class Solution.
  const solution = found.Solution || exported.Solution;
  if (payload.kind === "function" && typeof solution === "function") {
    const instance = new solution();
    for (const n of names.slice(0, 2)) {
      if (typeof instance[n] === "function") return { target: instance[n].bind(instance) };
    }
  }
  const what = payload.kind === "class" ? "class" : "function";
  return { error: `${FILENAME} defines no ${what} named ${payload.name}` };
}

function drive(cls, operations, args) {
  const instance = new cls(...args[0]);
  const returned = [null];
  for (let i = 1; i < operations.length; i++) {
    let method = instance[operations[i]];
    if (typeof method !== "function") method = instance[camel(operations[i])];
    if (typeof method !== "function") throw new TypeError(`${cls.name} has no method ${operations[i]}`);
    returned.push(method.apply(instance, args[i]));
  }
  return returned;
}

const loaded = load();
if (loaded.error !== undefined) {
  emit({ load_error: loaded.error, trace: loaded.trace || "" });
} else {
  payload.tests.forEach((args, index) => {
    let text;
    try {
      const value = payload.kind === "class" ? drive(loaded.target, args[0], args[1]) : loaded.target(...args);
      text = JSON.stringify(plain(value));
      if (text === undefined) text = "null";
    } catch (error) {
      if (process.pid !== harnessPid) process.exit(0);
      emit({ t: index, error: describe(error), trace: trace(error) });
      return;
    }
    fs.writeSync(1, `${token} {"t": ${index}, "ok": ${text}}\n`);
  });
  emit({ done: true });
}
// Timers or open handles left by candidate code must not keep the run alive.
process.exit(0);
