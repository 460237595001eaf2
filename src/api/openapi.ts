// One registry: every route registers its schemas here as it is mounted, so the OpenAPI document
// is generated from the same zod schemas that parse the requests.
import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { z } from '../contracts/zod';
import { ERROR_HTTP_STATUS } from '../errors/codes';

export { z };

export const ZErrorSchema = z
  .object({
    error: z.object({
      code: z.enum(
        Object.keys(ERROR_HTTP_STATUS) as [
          keyof typeof ERROR_HTTP_STATUS,
          ...(keyof typeof ERROR_HTTP_STATUS)[],
        ],
      ),
      /** The developer's sentence, in English. */
      message: z.string(),
      /** The same refusal in the caller's language (stored locale, else Accept-Language, else zh-CN). */
      localizedMessage: z.string().optional(),
      details: z.unknown().optional(),
    }),
  })
  .openapi('Error');

export function createRegistry(): OpenAPIRegistry {
  const registry = new OpenAPIRegistry();
  registry.registerComponent('securitySchemes', 'bearer', { type: 'http', scheme: 'bearer' });
  return registry;
}

export function generateDocument(registry: OpenAPIRegistry, serverUrl: string) {
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: {
      title: 'PSM sales-process orchestration API',
      version: '1.0.0',
      description:
        'Opportunities walk the PSM milestones as Temporal workflows. Every /api call needs a bearer token.',
    },
    servers: [{ url: serverUrl }],
  });
}
