// The chat platforms' callback URLs (WeCom "接收消息", Feishu "卡片回传交互"). Outside /api: the
// platform calls them, with no bearer token; each request is authenticated by the platform's own
// signature and encryption instead (src/notify/callbacks), before anything is read or changed.
// Thin: read the raw body (the signature covers its exact bytes), hand it to the platform's
// handler, send its answer. Bad or forged requests get 4xx with an error code, never a 500.
import express, { Router, type Request, type Response } from 'express';
import rateLimit from 'express-rate-limit';
import type { CallbackRequest, PlatformCallbackHandler } from '../../notify/callbacks/types';

export interface ChatCallbacksRouterOptions {
  /** The platforms with callback secrets configured; others answer 404 CALLBACK_NOT_CONFIGURED. */
  handlers: Partial<Record<'wecom' | 'feishu' | 'dingtalk', PlatformCallbackHandler>>;
  /** Requests per client address and minute, then 429. Platforms send a few per click. */
  rateLimitPerMinute?: number;
  onError?(err: unknown): void;
}

function errorBody(res: Response, status: number, code: string, message: string): void {
  res.status(status).set('Cache-Control', 'no-store').json({ error: { code, message } });
}

export function createChatCallbacksRouter(options: ChatCallbacksRouterOptions): Router {
  const router = Router();
  router.use(
    '/chat-callbacks',
    rateLimit({
      windowMs: 60_000,
      limit: options.rateLimitPerMinute ?? 600,
      standardHeaders: 'draft-8',
      legacyHeaders: false,
      handler: (_req, res) => errorBody(res, 429, 'RATE_LIMITED', 'too many callbacks; slow down'),
    }),
    // Callbacks are a few kB; the raw bytes are what the signature covers.
    express.raw({ type: () => true, limit: '64kb' }),
  );

  const serve = async (req: Request, res: Response): Promise<void> => {
    const platform = req.params.platform;
    const handler =
      platform === 'wecom' || platform === 'feishu' || platform === 'dingtalk'
        ? options.handlers[platform]
        : undefined;
    if (!handler)
      return errorBody(res, 404, 'CALLBACK_NOT_CONFIGURED', 'no callback is configured for this platform');
    const query: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.query)) if (typeof v === 'string') query[k] = v;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
    const request: CallbackRequest = {
      method: req.method,
      query,
      headers,
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    };
    try {
      const answer = await handler.handle(request);
      res
        .status(answer.status)
        .set({
          'Content-Type': `${answer.contentType}; charset=utf-8`,
          'Cache-Control': 'no-store',
          'X-PSM-Outcome': answer.outcome,
        })
        .send(answer.body);
    } catch (err) {
      options.onError?.(err);
      errorBody(res, 503, 'SERVICE_UNAVAILABLE', 'the callback could not be handled; the platform may retry');
    }
  };
  router.get('/chat-callbacks/:platform', (req, res) => void serve(req, res));
  router.post('/chat-callbacks/:platform', (req, res) => void serve(req, res));
  // A body over the limit or unreadable: 413/400 with a code (the app's error handler would also do).
  router.use('/chat-callbacks', (err: unknown, _req: Request, res: Response, next: (e?: unknown) => void) => {
    const status = (err as { status?: number }).status;
    if (status === 413) return errorBody(res, 413, 'PAYLOAD_TOO_LARGE', 'callback body too large');
    if (status && status >= 400 && status < 500)
      return errorBody(res, 400, 'INVALID_INPUT', 'unreadable callback body');
    next(err);
  });
  return router;
}
