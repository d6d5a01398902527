#!/usr/bin/env -S node --max-semi-space-size=4
// A 4 MB young generation (V8 default 16 MB, reserved three times over) keeps peak RSS
// ~35 MB lower while streaming, at no measured cost in speed (README, Benchmarks).
import '../dist/cli/dj-export.js';
