/** Tool sets the demo offers, each with a query that exercises it. OpenAI, MCP and bare shapes mixed on purpose. */
import type { ToolInput } from '../src/index.ts';

export interface ToolPreset {
  id: string;
  label: string;
  query: string;
  tools: ToolInput[];
}

export const PRESETS: ToolPreset[] = [
  {
    id: 'research',
    label: 'Web search + summarize + email',
    query: 'Find the latest news about the James Webb telescope, summarize it in 100 words and email it to ana@example.com',
    tools: [
      {
        type: 'function',
        function: {
          name: 'web_search',
          description: 'Search the web and return the top results',
          parameters: {
            type: 'object',
            properties: { query: { type: 'string', minLength: 1 }, max_results: { type: 'integer', minimum: 1, maximum: 10 } },
            required: ['query'],
            additionalProperties: false,
          },
        },
      },
      {
        type: 'function',
        function: {
          name: 'summarize',
          description: 'Summarize a text',
          parameters: {
            type: 'object',
            properties: { text: { type: 'string' }, max_words: { type: 'integer', minimum: 10, maximum: 500 } },
            required: ['text'],
            additionalProperties: false,
          },
        },
      },
      {
        type: 'function',
        function: {
          name: 'send_email',
          description: 'Send an email',
          parameters: {
            type: 'object',
            properties: { to: { type: 'string', format: 'email' }, subject: { type: 'string' }, body: { type: 'string' } },
            required: ['to', 'subject', 'body'],
            additionalProperties: false,
          },
        },
      },
    ],
  },
  {
    id: 'calendar',
    label: 'Calendar',
    query: 'Check what I have on 2026-12-03 and book a 30 minute call with Bo (bo@example.com) at 10:00 that day',
    tools: [
      {
        name: 'list_events',
        description: 'List calendar events on a day',
        inputSchema: { type: 'object', properties: { date: { type: 'string', format: 'date' } }, required: ['date'], additionalProperties: false },
      },
      {
        name: 'create_event',
        description: 'Create a calendar event and invite attendees',
        inputSchema: {
          type: 'object',
          properties: {
            title: { type: 'string', minLength: 1, maxLength: 80 },
            start: { type: 'string', format: 'date-time' },
            duration_minutes: { type: 'integer', minimum: 5, maximum: 480 },
            attendees: { type: 'array', items: { type: 'string', format: 'email' }, maxItems: 10 },
          },
          required: ['title', 'start', 'duration_minutes'],
          additionalProperties: false,
        },
      },
      {
        name: 'cancel_event',
        description: 'Cancel an event by id',
        inputSchema: { type: 'object', properties: { event_id: { type: 'string' } }, required: ['event_id'], additionalProperties: false },
      },
    ],
  },
  {
    id: 'files',
    label: 'File operations',
    query: 'Read notes/todo.md, write a copy to archive/todo-2026.md and then delete the original',
    tools: [
      {
        name: 'list_files',
        description: 'List the files in a folder',
        parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false },
      },
      {
        name: 'read_file',
        description: 'Read a text file',
        parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false },
      },
      {
        name: 'write_file',
        description: 'Write a text file',
        parameters: {
          type: 'object',
          properties: { path: { type: 'string' }, content: { type: 'string' }, overwrite: { type: 'boolean' } },
          required: ['path', 'content'],
          additionalProperties: false,
        },
      },
      {
        name: 'delete_file',
        description: 'Delete a file',
        parameters: { type: 'object', properties: { path: { type: 'string' } }, required: ['path'], additionalProperties: false },
      },
    ],
  },
];

/** Models the picker offers. `embedded` resolves against the page, so it works offline. */
export interface ModelChoice {
  id: string;
  label: string;
  model: string;
  embedded: boolean;
}

export const MODELS: ModelChoice[] = [
  { id: 'tiny', label: 'Tiny test model (embedded, offline; random weights, valid plans)', model: 'models/tiny-qwen3_5/', embedded: true },
  { id: 'qwen35-opt', label: 'Qwen3.5-0.8B, fused ops (onnx-community/Qwen3.5-0.8B-ONNX-OPT, q4)', model: 'onnx-community/Qwen3.5-0.8B-ONNX-OPT', embedded: false },
  { id: 'qwen35', label: 'Qwen3.5-0.8B (onnx-community/Qwen3.5-0.8B-ONNX, q4)', model: 'onnx-community/Qwen3.5-0.8B-ONNX', embedded: false },
  { id: 'custom', label: 'Other: a model URL or hub id (your own export)…', model: '', embedded: false },
];

/** The model a hosted page starts on when the Hub is reachable. */
export const DEFAULT_ONLINE = 'qwen35-opt';
