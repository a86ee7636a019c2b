/**
 * A small JSON Schema (draft 2020-12) checker for the keywords the committed report schema uses
 * (type, enum, pattern, minimum, maximum, properties, required, additionalProperties, items,
 * anyOf): the report's JSON is checked against the published file itself, not only against the
 * zod schema it was generated from. An unknown keyword fails, so the checker cannot silently
 * pass a schema it does not understand.
 */
type Schema = Record<string, any>;

const KNOWN = new Set(["$schema", "$id", "title", "description", "type", "enum", "pattern", "minimum", "maximum", "properties", "required", "additionalProperties", "items", "anyOf"]);

const typeOf = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "array" : typeof value === "number" ? (Number.isInteger(value) ? "integer" : "number") : typeof value;

export const schemaErrors = (value: unknown, schema: Schema, path = "$"): string[] => {
  const unknown = Object.keys(schema).filter((key) => !KNOWN.has(key));
  if (unknown.length > 0) return [`${path}: the checker does not know ${unknown.join(", ")}`];
  if (schema.anyOf) {
    const branches = (schema.anyOf as Schema[]).map((branch) => schemaErrors(value, branch, path));
    return branches.some((errors) => errors.length === 0) ? [] : [`${path}: matches no anyOf branch (${branches.flat().join("; ")})`];
  }
  const errors: string[] = [];
  const actual = typeOf(value);
  const types: string[] | null = schema.type === undefined ? null : [schema.type].flat();
  if (types && !types.some((type) => type === actual || (type === "number" && actual === "integer"))) return [`${path}: ${actual}, expected ${types.join(" or ")}`];
  if (schema.enum && !schema.enum.includes(value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (schema.pattern && actual === "string" && !new RegExp(schema.pattern, "u").test(value as string)) errors.push(`${path}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  if (schema.minimum !== undefined && typeof value === "number" && value < schema.minimum) errors.push(`${path}: below ${schema.minimum}`);
  if (schema.maximum !== undefined && typeof value === "number" && value > schema.maximum) errors.push(`${path}: above ${schema.maximum}`);
  if (actual === "object") {
    const object = value as Record<string, unknown>;
    for (const key of schema.required ?? []) if (!(key in object)) errors.push(`${path}: missing ${key}`);
    for (const [key, child] of Object.entries(object)) {
      if (schema.properties?.[key]) errors.push(...schemaErrors(child, schema.properties[key], `${path}.${key}`));
      else if (schema.additionalProperties === false) errors.push(`${path}: unexpected ${key}`);
    }
  }
  if (actual === "array" && schema.items) (value as unknown[]).forEach((item, index) => errors.push(...schemaErrors(item, schema.items, `${path}[${index}]`)));
  return errors;
};
