/** Tool definitions in the three accepted shapes, shared by planner tests (Node and browser). */
import type { ToolInput } from '../../src/planner/index.ts';

export const TOOLS: ToolInput[] = [
  {
    type: 'function',
    function: {
      name: 'search_flights',
      description: 'Search flights between two cities on a date.',
      parameters: {
        type: 'object',
        properties: {
          from: { type: 'string', maxLength: 20 },
          to: { type: 'string', maxLength: 20 },
          date: { type: 'string', format: 'date' },
          max_price: { type: 'integer', minimum: 0, maximum: 5000 },
        },
        required: ['from', 'to', 'date'],
        additionalProperties: false,
      },
    },
  },
  {
    name: 'send_email',
    description: 'Send an email.',
    inputSchema: {
      type: 'object',
      properties: { to: { type: 'string', format: 'email' }, subject: { type: 'string', maxLength: 40 }, body: { type: 'string', maxLength: 60 } },
      required: ['to', 'subject'],
      additionalProperties: false,
    },
  },
  {
    name: 'get_weather',
    description: 'Current weather in a city.',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string', maxLength: 20 }, unit: { enum: ['c', 'f'] } },
      required: ['city'],
      additionalProperties: false,
    },
  },
];

export const QUERY = 'Find a flight from Lisbon to Berlin on 2026-12-05 under 300 euros and email the best one to ana@example.com.';
