#!/usr/bin/env node
// The published bin: a committed file (so npm links it before the first build) that runs the build.
import "../dist/bin.js";
