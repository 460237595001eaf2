// zod with the OpenAPI extension, for every schema in the code base: domain schemas describe
// themselves (`.openapi(...)`) without importing the API layer that generates the document.
import { extendZodWithOpenApi } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';

extendZodWithOpenApi(z);

export { z };
