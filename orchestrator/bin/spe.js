#!/usr/bin/env node
// The `spe` command: runs the TypeScript CLI through tsx, so that there is nothing to build first.
import { register } from "tsx/esm/api";

register();
await import("../src/cli/main.ts");
