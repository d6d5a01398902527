#!/usr/bin/env node
import '../dist/cli/dj-import.js';
