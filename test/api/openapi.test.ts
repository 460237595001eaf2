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

describe('every status a route answers is documented (issue 9 item 23)', () => {
  type Doc = { paths: Record<string, Record<string, { responses: Record<string, unknown> }>> };
  const documented = (doc: Doc, method: string, template: string) =>
    Object.keys(doc.paths[template]?.[method]?.responses ?? {}).map(Number);

  it('lists the common statuses on every route, and each route its own', async () => {
    const doc = (await app.api(app.org.admin, 'GET', '/api/openapi.json')).body as Doc;
    for (const [template, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        const statuses = Object.keys(op.responses).map(Number);
        expect({
          route: `${method} ${template}`,
          missing: [400, 401, 403, 413, 429, 503].filter((s) => !statuses.includes(s)),
        }).toEqual({
          route: `${method} ${template}`,
          missing: [],
        });
      }
    }
    expect(documented(doc, 'post', '/api/opportunities')).toEqual(expect.arrayContaining([200, 201, 202]));
    expect(documented(doc, 'put', '/api/targets/{userId}')).toEqual(expect.arrayContaining([200, 201]));
  });

  it('documents what real calls answer: a repeated create, a new target, an owner outside the line, a big body', async () => {
    const doc = (await app.api(app.org.admin, 'GET', '/api/openapi.json')).body as Doc;
    const headers = { 'Idempotency-Key': 'doc-repeat-create-01' };
    const body = { name: 'Repeat', account: 'R', amount: 1 };
    await app.api(app.org.repA2, 'POST', '/api/opportunities', body, headers);
    const repeated = await app.api(app.org.repA2, 'POST', '/api/opportunities', body, headers);
    const target = await app.api(app.org.managerA, 'PUT', `/api/targets/${app.org.repA2.id}`, {
      periodStart: '2031-01-01',
      periodEnd: '2031-03-31',
      amount: 1000,
    });
    const outside = await app.api(app.org.repA2, 'GET', `/api/opportunities?owner=${app.org.repB1.id}`);
    const big = await app.api(app.org.repA2, 'POST', '/api/opportunities', {
      name: 'x'.repeat(150_000),
      account: 'A',
      amount: 1,
    });
    const calls = [
      { route: 'post /api/opportunities', status: repeated.status },
      { route: 'put /api/targets/{userId}', status: target.status },
      { route: 'get /api/opportunities', status: outside.status },
      { route: 'post /api/opportunities', status: big.status },
    ];
    expect(calls.map((c) => c.status)).toEqual([200, 201, 403, 413]);
    for (const c of calls) {
      const [method, template] = c.route.split(' ') as [string, string];
      expect({ ...c, documented: documented(doc, method, template).includes(c.status) }).toEqual({
        ...c,
        documented: true,
      });
    }
  });
});
