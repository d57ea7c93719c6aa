/**
 * The benchmark's tool-plan schema, as the XGrammar baseline measured it: a plan of 1-5 steps,
 * each one object per tool ({id, tool: const, params: {query, limit, mode, verbose}, depends_on}).
 */
export function benchPlanSchema(tools: number): object {
  const step = (i: number) => ({
    type: 'object',
    properties: {
      id: { type: 'integer' },
      tool: { const: `tool_${i}` },
      params: {
        type: 'object',
        properties: {
          query: { type: 'string' },
          limit: { type: 'integer' },
          mode: { enum: ['fast', 'exact', 'fuzzy'] },
          verbose: { type: 'boolean' },
        },
        required: ['query', 'limit', 'mode', 'verbose'],
        additionalProperties: false,
      },
      depends_on: { type: 'array', items: { type: 'integer' } },
    },
    required: ['id', 'tool', 'params', 'depends_on'],
    additionalProperties: false,
  });
  return {
    type: 'object',
    properties: {
      plan: { type: 'array', minItems: 1, maxItems: 5, items: { anyOf: Array.from({ length: tools }, (_, i) => step(i)) } },
    },
    required: ['plan'],
    additionalProperties: false,
  };
}

/** A valid compact plan for the schema (two steps, the second depending on the first). */
export function benchPlanText(tools: number): string {
  const last = tools - 1;
  return JSON.stringify({
    plan: [
      { id: 1, tool: 'tool_0', params: { query: 'cheapest flights from Lisbon to Berlin in May', limit: 5, mode: 'fast', verbose: false }, depends_on: [] },
      { id: 2, tool: `tool_${last}`, params: { query: 'summarize the results for Ana', limit: 1, mode: 'exact', verbose: true }, depends_on: [1] },
    ],
  });
}
