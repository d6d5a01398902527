#!/usr/bin/env node
import '../dist/cli/dj-export.js';
