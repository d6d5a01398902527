#!/usr/bin/env node
import '../dist/cli/dj-serve.js';
