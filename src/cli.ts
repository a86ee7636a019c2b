import { readFileSync } from "node:fs";
import { CONFIG_PATH } from "./config/schema.js";
import { validateConfigText } from "./config/validate-config.js";
import { REPORT_USAGE, runReportCommand, type ReportIo } from "./report-command.js";

const USAGE = `Usage: hotfix-governance validate [${CONFIG_PATH}]

Validates a Hotfix Governance configuration file with the same rules the app uses.
Prints each problem with its key path and line, or "valid". Exits 1 when the file has problems.

${REPORT_USAGE}`;

/** `hotfix-governance report …`: the report goes to stdout as written, progress to stderr. */
export const runReport = (args: string[], io: Partial<ReportIo> = {}): Promise<number> =>
  runReportCommand(args, {
    env: process.env,
    out: (text) => process.stdout.write(text),
    err: (line) => process.stderr.write(`${line}\n`),
    ...io,
  });

/** The `hotfix-governance` command line. Returns the exit code (a promise for `report`). */
export function runCli(args: string[], out: (line: string) => void = console.log, err: (line: string) => void = console.error): number | Promise<number> {
  const [command, file = CONFIG_PATH] = args;
  if (command === "report") return runReport(args.slice(1), { out: (text) => out(text.replace(/\n$/, "")), err });
  if (command !== "validate") {
    (command === "--help" || command === "-h" ? out : err)(USAGE);
    return command === "--help" || command === "-h" ? 0 : 2;
  }
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    err(`${file}: cannot read: ${(error as Error).message}`);
    return 2;
  }
  const result = validateConfigText(text);
  if (result.ok) {
    out(`${file}: valid`);
    return 0;
  }
  for (const problem of result.problems) {
    out(`${file}${problem.line ? `:${problem.line}` : ""}: ${problem.path || "(file)"}: ${problem.message}`);
  }
  out(`${result.problems.length} problem${result.problems.length === 1 ? "" : "s"} found`);
  return 1;
}
