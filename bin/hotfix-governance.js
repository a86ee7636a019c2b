#!/usr/bin/env node
// `npx hotfix-governance validate .github/hotfix.yml`: the app's own config validation.
import { runCli } from "../lib/cli.js";

process.exitCode = runCli(process.argv.slice(2));
