#!/usr/bin/env node
// `npx hotfix-governance validate .github/hotfix.yml`: the app's own config validation.
// `npx hotfix-governance report --repo owner/name --since YYYY-MM-DD`: the hotfix report.
import { runCli } from "../lib/cli.js";

process.exitCode = await runCli(process.argv.slice(2));
