import type { FastifySerializerCompiler } from 'fastify/types/schema.js';
import fastJson from 'fast-json-stringify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** Keywords that only constrain values: a serializer writes what it is given and needs none of them. */
const CONSTRAINTS = new Set(['pattern', 'format', 'minLength', 'maxLength', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minItems', 'maxItems', 'multipleOf']);

/**
 * The JSON Schema without value constraints. `anyOf` (every nullable field, every union)
 * makes fast-json-stringify test the value against each branch; without patterns and
 * formats that test is a type check, not a UUID or date regular expression per field.
 * `additionalProperties: false` goes too: an object with a property its branch does not
 * declare then still matches it, as in zod, and fast-json-stringify writes only declared
 * properties either way (a record's `additionalProperties: <schema>` stays).
 */
function withoutConstraints(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutConstraints);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema).flatMap(([key, value]) =>
      CONSTRAINTS.has(key) || (key === 'additionalProperties' && value === false)
        ? []
        : [[key, key === 'properties' || key === '$defs' || key === 'definitions' ? mapValues(value, withoutConstraints) : withoutConstraints(value)]],
    ),
  );
}

const mapValues = (object: object, map: (value: unknown) => unknown) => Object.fromEntries(Object.entries(object).map(([key, value]) => [key, map(value)]));

/**
 * Answers are written by a serializer compiled from each route's declared response
 * schema (fast-json-stringify, what Fastify itself uses for JSON Schema routes) instead
 * of encoding every answer through zod and then JSON.stringify: on a term's coverage
 * (2,000 organisations) the zod pass cost as much as the queries' own overhead (1.4–1.7×
 * the raw SQL route, 1.08× without it). The compiled serializer writes only the declared
 * properties (nothing undeclared leaks, as with zod's strip) and refuses an answer
 * missing a required one (a 500, as before); it does not re-check values against
 * enums and patterns, which the services build from typed data and which the fuzzer
 * checks against the OpenAPI document from outside. A schema the compiler cannot take
 * (a transform, a recursive type) keeps zod's serializer.
 */
export const serializerCompiler: FastifySerializerCompiler<z.ZodType> = (route) => {
  const schema = route.schema as unknown;
  if (!(schema instanceof z.ZodType)) return zodSerializerCompiler(route as never);
  try {
    const json = z.toJSONSchema(schema, { io: 'output', target: 'draft-7', unrepresentable: 'throw', cycles: 'throw', reused: 'inline' });
    return fastJson(withoutConstraints(json) as Parameters<typeof fastJson>[0]);
  } catch {
    return zodSerializerCompiler(route as never);
  }
};
