#!/usr/bin/env node
import '../dist/cli/dj-cat.js';
