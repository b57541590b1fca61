// Runs when `npm install` could not compile the native addon (binding.gyp). The
// install still succeeds: tsjit then runs its pure-TypeScript kernels, and
// `tsjit.backend()` says why. See docs/native.md.
const lines = [
  "tsjit: the native kernels (build/Release/tsjit_native.node) did not compile; see the node-gyp output above.",
  "tsjit: the install goes on and tsjit will use its JavaScript kernels (slower, same results).",
  "tsjit: to build them, install a C++17 compiler, make and python3, then run `npm rebuild tsjit` (or `npm install` here).",
];
console.error(`\n${lines.join("\n")}\n`);
