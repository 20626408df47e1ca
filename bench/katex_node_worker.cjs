// KaTeX on Node.js speaking richtext.katex_worker's lines: one JSON request a line on
// stdin, one JSON answer a line on stdout. Used only by bench/rendering.py, to compare
// it with the Python/V8 (mini-racer) process the API runs. No geometry bound here.
"use strict";
const fs = require("fs");
const path = require("path");
const readline = require("readline");

// The vendored file is UMD; the repository's package.json says "module", so it is read
// and run as CommonJS by hand.
const script = fs.readFileSync(path.join(__dirname, "..", "src", "richtext", "katex", "katex.min.js"), "utf8");
const loaded = { exports: {} };
new Function("module", "exports", script)(loaded, loaded.exports);
const katex = loaded.exports;

const options = { output: "mathml", throwOnError: true, trust: false, strict: "ignore",
                  maxSize: 10, maxExpand: 1000 };
process.stdout.write('{"ready": true}\n');
readline.createInterface({ input: process.stdin }).on("line", (line) => {
  const request = JSON.parse(line);
  let answer;
  try {
    answer = { mathml: katex.renderToString(request.tex, { ...options, displayMode: request.display }) };
  } catch (error) {
    answer = { mathml: null, reason: "unreadable" };
  }
  process.stdout.write(JSON.stringify(answer) + "\n");
});
