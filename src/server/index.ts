/** The OpenAI-compatible server of `toolplan serve` (Node only). */
export { createPlanServer, type PlanServer, type PlanServerOptions } from './plan-server.ts';
export { readChatRequest, type ChatCall } from './chat-request.ts';
export { HttpError } from './http-error.ts';
