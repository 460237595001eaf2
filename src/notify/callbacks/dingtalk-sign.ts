// DingTalk (钉钉) request signing as for its robots and card callbacks: the `sign` header is
// base64(HMAC-SHA256(key = app secret, timestamp + "\n" + app secret)), timestamp in
// milliseconds in the `timestamp` header. Pure functions.
import { createHmac } from 'node:crypto';
import { CallbackCryptoError, sameSignature } from './wecom-crypto';

export function dingtalkSign(timestampMs: string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

export function dingtalkVerifySign(secret: string, params: { timestamp: string; sign: string }): void {
  if (!sameSignature(params.sign, dingtalkSign(params.timestamp, secret)))
    throw new CallbackCryptoError('signature');
}
