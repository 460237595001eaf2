// The OpenAPI document is generated from the same zod schemas that parse requests: it must be a
// valid OpenAPI 3 document, and every operation in it must be served (no 404 for the route, no 5xx).
import SwaggerParser from '@apidevtools/swagger-parser';
import { startTestApp, type TestApp } from '../support/app';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp();
});
afterAll(async () => {
  await app?.stop();
});

it('is a valid OpenAPI 3 document that needs a token like every /api call', async () => {
  expect((await app.api(null, 'GET', '/api/openapi.json')).status).toBe(401);
  const doc = (await app.api(app.org.repA1, 'GET', '/api/openapi.json')).body;
  await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
  expect(doc.openapi).toMatch(/^3\./);
  expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(15);
});

it('documents every route the server answers, and every documented route answers', async () => {
  const doc = (await app.api(app.org.admin, 'GET', '/api/openapi.json')).body as {
    paths: Record<string, Record<string, { responses: Record<string, unknown>; requestBody?: unknown }>>;
  };
  const created = await app.api(app.org.repA1, 'POST', '/api/opportunities', {
    name: 'Doc deal',
    account: 'Doc Co',
    amount: 1000,
  });
  const id = created.body.id as string;
  const approval = await app.api(app.org.repA1, 'POST', `/api/opportunities/${id}/approvals`, {
    kind: 'discount',
    amount: 10,
    reason: 'doc',
  });
  const token = await app.api(app.org.admin, 'POST', `/api/users/${app.org.repA2.id}/tokens`, {
    label: 'doc',
  });
  const values: Record<string, string> = {
    id,
    approvalId: approval.body.approvalId,
    userId: app.org.repA1.id,
    milestone: 'project_initiation',
    item: 'understand_background',
    action: 'trigger',
  };
  const answered: string[] = [];
  for (const [template, ops] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(ops)) {
      let path = template.replace(/\{(\w+)\}/g, (_, name: string) => values[name] ?? 'x');
      // A token id differs from a user id: DELETE /tokens/{id} gets the issued token's id.
      if (template.startsWith('/api/tokens/')) path = `/api/tokens/${token.body.id}`;
      const res = await app.api(app.org.admin, method.toUpperCase(), path, op.requestBody ? {} : undefined);
      const documented = Object.keys(op.responses).map(Number);
      expect({
        route: `${method} ${template}`,
        status: res.status,
        documented: documented.includes(res.status),
      }).toEqual({
        route: `${method} ${template}`,
        status: expect.any(Number),
        documented: true,
      });
      expect(res.status).toBeLessThan(500);
      expect(JSON.stringify(res.body ?? '')).not.toMatch(/no route for/);
      answered.push(`${method} ${template}`);
    }
  }
  expect(answered.length).toBeGreaterThanOrEqual(15);
});
