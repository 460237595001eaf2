// Every error code has a message in both languages, and a refusal's details (missing criteria,
// the limit passed) come out in the reader's language with the process definition's names.
import express from 'express';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { parseOrThrow } from '../../src/api/validate';
import { errorHandler } from '../../src/api/middleware/errors';
import { AppError } from '../../src/errors/app-error';
import { ERROR_HTTP_STATUS } from '../../src/errors/codes';
import { CATALOGS, refusalMessage } from '../../src/i18n';
import { errorPage } from '../../src/links/pages';
import { createLogger } from '../../src/logger';

describe('errors catalog', () => {
  it.each(['zh-CN', 'en'] as const)('%s has a message for every error code', (locale) => {
    const catalog = CATALOGS[locale].errors as Record<string, unknown>;
    const missing = Object.keys(ERROR_HTTP_STATUS).filter((code) => typeof catalog[code] !== 'string');
    expect(missing).toEqual([]);
  });
});

describe('refusalMessage', () => {
  it('names the missing criteria with the process definition names, in the reader language', () => {
    const details = { rule: 'all', missing: ['poc_passed', 'initiation_approved'] };
    expect(refusalMessage('zh-CN', 'CRITERIA_NOT_MET', details)).toBe(
      '尚未满足的标准：演示 / 测试（PoC）通过和项目立项申请获得公司批准。',
    );
    expect(refusalMessage('en', 'CRITERIA_NOT_MET', details)).toBe(
      'Criteria not met: Demo / PoC passed and Initiation approved by the company.',
    );
  });

  it('says which limit was passed from a zod issue, and that a missing field is required', () => {
    const issues = [
      { path: 'body.name', message: 'Too big', rule: 'too_big', origin: 'string', limit: 200 },
      { path: 'body.amount', message: 'Invalid input', rule: 'invalid_type', received: 'undefined' },
    ];
    expect(refusalMessage('en', 'INVALID_INPUT', issues)).toBe(
      'Some input is not valid: body.name has at most 200 characters; body.amount is required.',
    );
    expect(refusalMessage('zh-CN', 'INVALID_INPUT', issues)).toBe(
      '输入有误：body.name 最多 200 个字符；body.amount 为必填项。',
    );
  });

  it('falls back to the code general message when the details lack a field it names', () => {
    expect(refusalMessage('en', 'MILESTONE_OUT_OF_ORDER', {})).toBe('Milestones are completed in order.');
    expect(refusalMessage('en', 'MILESTONE_OUT_OF_ORDER', { expected: 'deep_engagement' })).toBe(
      'Complete Deep engagement first, or have skipping it approved.',
    );
    expect(refusalMessage('zh-CN', 'PASSWORD_TOO_SHORT', { minLength: 10 })).toBe('密码至少需要 10 个字符。');
    expect(refusalMessage('en', 'NOT_A_CODE', undefined)).toBe(refusalMessage('en', 'RULE_REFUSED'));
  });
});

describe('email-link error page', () => {
  it('shows a workflow refusal in the reader language from its details, not the English reason', () => {
    const page = errorPage(
      'zh-CN',
      'CRITERIA_NOT_MET',
      'technical_breakthrough_1 needs all; not met: poc_passed',
      {
        rule: 'all',
        missing: ['poc_passed'],
      },
    );
    expect(page).toContain('尚未满足的标准：演示 / 测试（PoC）通过。');
    expect(page).not.toContain('needs all');
    expect(errorPage('en', 'INTERNAL', undefined)).toContain(
      'Please try again later, or open the deal in the app.',
    );
  });
});

describe('API error bodies over HTTP', () => {
  let base: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const app = express();
    app.use(express.json());
    app.post('/validated', (req, res) => {
      res.json(parseOrThrow(z.object({ name: z.string().max(5), amount: z.number() }), req.body));
    });
    app.post('/as-user', (req, _res, next) => {
      req.user = { locale: 'en' } as NonNullable<typeof req.user>;
      next(
        new AppError('CRITERIA_NOT_MET', 'technical_breakthrough_1 needs all; not met: poc_passed', {
          rule: 'all',
          missing: ['poc_passed'],
        }),
      );
    });
    app.use(errorHandler(createLogger('silent')));
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(() => close());

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${base}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('keeps code, English message and structured details, and adds the message in Accept-Language', async () => {
    const res = await post('/validated', { name: 'too long' }, { 'accept-language': 'en-GB,en;q=0.9' });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-language')).toBe('en');
    const body: any = await res.json();
    expect(body.error).toMatchObject({
      code: 'INVALID_INPUT',
      message: 'invalid body',
      details: [
        { path: 'body.name', rule: 'too_big', origin: 'string', limit: 5 },
        { path: 'body.amount', rule: 'invalid_type', received: 'undefined' },
      ],
    });
    expect(body.error.localizedMessage).toBe(
      'Some input is not valid: body.name has at most 5 characters; body.amount is required.',
    );
  });

  it('speaks zh-CN when nothing says otherwise', async () => {
    const body: any = await (await post('/validated', { name: 'ok', amount: 'x' })).json();
    expect(body.error.localizedMessage).toBe('输入有误：body.amount 无效。');
  });

  it('uses the signed-in user stored locale over Accept-Language', async () => {
    const res = await post('/as-user', {}, { 'accept-language': 'zh-CN' });
    expect(res.status).toBe(422);
    const body: any = await res.json();
    expect(body.error.details).toEqual({ rule: 'all', missing: ['poc_passed'] });
    expect(body.error.localizedMessage).toBe('Criteria not met: Demo / PoC passed.');
  });
});
