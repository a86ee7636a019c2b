import { isMap, isSeq, LineCounter, parseDocument, type Node as YamlNode } from "yaml";
import type { z } from "zod";
import { HotfixConfig } from "./schema.js";

/** One problem in `.github/hotfix.yml`, said so a user can fix it without reading our code. */
export interface ConfigProblem {
  /** Dotted key path, e.g. `approvals.min_permission`; empty for the file as a whole. */
  path: string;
  /** What is wrong, including what was found and what is allowed. */
  message: string;
  /** 1-based line in the file, when the text is known. */
  line?: number;
}

export type ConfigResult =
  | { ok: true; config: HotfixConfig }
  | { ok: false; problems: ConfigProblem[] };

const show = (value: unknown): string => {
  if (value === undefined) return "nothing";
  const json = JSON.stringify(value);
  return json === undefined ? String(value) : json.length > 80 ? `${json.slice(0, 77)}...` : json;
};

const valueAt = (root: unknown, path: PropertyKey[]): unknown =>
  path.reduce<unknown>((node, key) => (node != null && typeof node === "object" ? (node as any)[key] : undefined), root);

const formatPath = (path: PropertyKey[]): string =>
  path.map((key, i) => (typeof key === "number" ? `[${key}]` : `${i === 0 ? "" : "."}${String(key)}`)).join("");

const describeIssue = (issue: z.core.$ZodIssue, raw: unknown): ConfigProblem[] => {
  const found = valueAt(raw, issue.path);
  const path = formatPath(issue.path);
  switch (issue.code) {
    case "unrecognized_keys": {
      const allowed = allowedKeysAt(issue.path);
      return issue.keys.map((key) => ({
        path: formatPath([...issue.path, key]),
        message: `unknown key "${key}"; allowed keys here: ${allowed.join(", ")}`,
      }));
    }
    case "invalid_value":
      return [{ path, message: `found ${show(found)}; allowed: ${issue.values.map(show).join(", ")}` }];
    case "invalid_type":
      return [{ path, message: `found ${show(found)}; expected ${issue.expected}${nullableHint(issue.path)}` }];
    case "too_small":
      return [{ path, message: `found ${show(found)}; expected ${issue.origin === "array" ? "at least " + issue.minimum + " item(s)" : issue.origin === "string" ? "a non-empty string" : "a number >= " + issue.minimum}` }];
    case "too_big":
      return [{ path, message: `found ${show(found)}; expected at most ${issue.maximum}` }];
    default:
      return [{ path, message: `found ${show(found)}; expected ${issue.message}` }];
  }
};

const nullableHint = (path: PropertyKey[]): string =>
  ["approvals.min_permission", "body.incident_pattern", "postmortem.template"].includes(formatPath(path))
    ? " or null"
    : "";

const allowedKeysAt = (path: PropertyKey[]): string[] => {
  let schema: any = HotfixConfig;
  for (const key of path) {
    while (schema?._zod?.def?.innerType) schema = schema._zod.def.innerType;
    if (typeof key === "number") schema = schema?._zod?.def?.element;
    else schema = schema?.shape?.[key];
  }
  while (schema?._zod?.def?.innerType) schema = schema._zod.def.innerType;
  return Object.keys(schema?.shape ?? {});
};

/** Validates an already-parsed config object (what `context.config` returns). */
export const validateConfig = (raw: unknown, lineOf?: (path: string) => number | undefined): ConfigResult => {
  const input = raw == null ? {} : raw;
  if (typeof input !== "object" || Array.isArray(input)) {
    return { ok: false, problems: [{ path: "", message: `found ${show(raw)}; expected a mapping of keys` }] };
  }
  // Probot's config loader consumes `_extends`; it is not one of our keys.
  const { _extends: _ignored, ...rest } = input as Record<string, unknown>;
  const parsed = HotfixConfig.safeParse(rest);
  if (parsed.success) return { ok: true, config: parsed.data };
  const problems = parsed.error.issues
    .flatMap((issue) => describeIssue(issue, rest))
    .map((problem) => ({ ...problem, line: lineOf?.(problem.path) }));
  return { ok: false, problems };
};

/** Validates the text of a config file, with line numbers (used by the CLI validator and tests). */
export const validateConfigText = (text: string): ConfigResult => {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { lineCounter, prettyErrors: true });
  if (document.errors.length > 0) {
    return {
      ok: false,
      problems: document.errors.map((error) => ({
        path: "",
        line: error.linePos?.[0]?.line,
        message: `invalid YAML: ${error.message.split("\n")[0]}`,
      })),
    };
  }
  const lineOf = (path: string): number | undefined => {
    const keys = path
      .split(/\.|\[(\d+)\]/)
      .filter((key) => key !== undefined && key !== "")
      .map((key) => (/^\d+$/.test(key) ? Number(key) : key));
    let node: YamlNode | null | undefined = document.contents as YamlNode | null;
    let line: number | undefined;
    for (const key of keys) {
      if (isMap(node)) {
        const pair = node.items.find((item: any) => item.key?.value === key);
        const keyRange = (pair?.key as any)?.range;
        if (keyRange) line = lineCounter.linePos(keyRange[0]).line;
        node = pair?.value as YamlNode | undefined;
      } else if (isSeq(node) && typeof key === "number") {
        node = node.items[key] as YamlNode | undefined;
        if (node?.range) line = lineCounter.linePos(node.range[0]).line;
      } else break;
    }
    return line;
  };
  return validateConfig(document.toJS(), lineOf);
};

/** A YAML syntax error from Probot's loader (`cause` is the yaml package's error), with its line. */
export const describeLoadError = (error: unknown): ConfigProblem | undefined => {
  const message = error instanceof Error ? error.message : String(error);
  if (!/could not be parsed|YAML|not an object/i.test(message)) return undefined;
  const cause = (error as { cause?: { linePos?: Array<{ line: number }>; message?: string } }).cause;
  return {
    path: "",
    line: cause?.linePos?.[0]?.line,
    message: `invalid YAML: ${(cause?.message ?? message).split("\n")[0]}`,
  };
};
