import { Kind, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type SelectionSetNode, type ValueNode } from "graphql";

/** The simulator's answer header carrying a GraphQL query's cost (read by the core to count points). */
export const COST_HEADER = "x-simulator-graphql-cost";

const valueOf = (node: ValueNode, variables: Record<string, unknown>): unknown => {
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  if (node.kind === Kind.INT) return Number(node.value);
  return undefined;
};

/**
 * GitHub's GraphQL rate-limit score ("Calculating a rate limit score", docs.github.com): add up
 * the requests needed to fulfil each connection — a connection nested in one of `first: 100`
 * needs 100 — divide by 100, round to the nearest whole number, at least 1.
 */
export const queryCost = (document: DocumentNode, variables: Record<string, unknown>): number => {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  let requests = 0;
  const walk = (set: SelectionSetNode | undefined, multiplier: number, seen: Set<string>) => {
    for (const selection of set?.selections ?? []) {
      if (selection.kind === Kind.FRAGMENT_SPREAD) {
        const fragment = fragments.get(selection.name.value);
        if (fragment && !seen.has(fragment.name.value)) walk(fragment.selectionSet, multiplier, new Set([...seen, fragment.name.value]));
        continue;
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, multiplier, seen);
        continue;
      }
      const field = selection as FieldNode;
      if (skipped(field, variables)) continue;
      const size = (field.arguments ?? [])
        .filter((argument) => argument.name.value === "first" || argument.name.value === "last")
        .map((argument) => Number(valueOf(argument.value, variables) ?? 0))[0];
      if (size === undefined) {
        walk(field.selectionSet, multiplier, seen);
        continue;
      }
      requests += multiplier;
      walk(field.selectionSet, multiplier * Math.max(size, 1), seen);
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) walk(definition.selectionSet, 1, new Set());
  }
  return Math.max(1, Math.round(requests / 100));
};

const skipped = (field: FieldNode, variables: Record<string, unknown>): boolean =>
  (field.directives ?? []).some((directive) => {
    const condition = directive.arguments?.find((argument) => argument.name.value === "if");
    const value = condition ? (condition.value.kind === Kind.VARIABLE ? variables[condition.value.name.value] : condition.value.kind === Kind.BOOLEAN ? condition.value.value : undefined) : undefined;
    return (directive.name.value === "include" && value === false) || (directive.name.value === "skip" && value === true);
  });
