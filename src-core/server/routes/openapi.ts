/**
 * `GET /v1/openapi.json` (read role, like every API route but health): the OpenAPI 3.1 document of
 * this server's API, generated from the route table (openapi.ts).
 */
import type { FastifyInstance } from 'fastify';
import { openApiDocument } from '../openapi';

export function registerOpenApiRoute(app: FastifyInstance): void {
  app.get('/v1/openapi.json', () => openApiDocument());
}
