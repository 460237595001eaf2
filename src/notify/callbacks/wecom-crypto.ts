// WeCom (企业微信) callback crypto, as its WXBizMsgCrypt libraries do it: the signature is
// sha1 over the sorted strings (token, timestamp, nonce, encrypt); the body is AES-256-CBC with
// key = base64(EncodingAESKey + '='), IV = the key's first 16 bytes, PKCS#7 padded to 32 bytes,
// over random(16) + msg_len(4, big-endian) + msg + receiveId (the corp id). Pure functions.
// DingTalk's HTTP callback encryption is the same scheme (receiveId = its app key or corp id).
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export class CallbackCryptoError extends Error {
  constructor(readonly reason: 'signature' | 'decrypt' | 'receiver' | 'key') {
    super(`callback ${reason} check failed`);
    this.name = 'CallbackCryptoError';
  }
}

const BLOCK = 32;

/** The 32-byte AES key behind a 43-character EncodingAESKey; throws on any other shape. */
export function wecomAesKey(encodingAesKey: string): Buffer {
  if (!/^[A-Za-z0-9]{43}$/.test(encodingAesKey)) throw new CallbackCryptoError('key');
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  if (key.length !== 32) throw new CallbackCryptoError('key');
  return key;
}

export function wecomSignature(token: string, timestamp: string, nonce: string, encrypt: string): string {
  return createHash('sha1').update([token, timestamp, nonce, encrypt].sort().join('')).digest('hex');
}

/** Constant-time comparison of two hex (or any ASCII) signatures. */
export function sameSignature(given: string, expected: string): boolean {
  const a = Buffer.from(given, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

export function wecomVerifySignature(
  token: string,
  params: { msgSignature: string; timestamp: string; nonce: string; encrypt: string },
): void {
  const expected = wecomSignature(token, params.timestamp, params.nonce, params.encrypt);
  if (!sameSignature(params.msgSignature.toLowerCase(), expected)) throw new CallbackCryptoError('signature');
}

/** Decrypts a body and checks it was meant for `receiveId`; returns the message text. */
export function wecomDecrypt(aesKey: Buffer, encrypt: string, receiveId: string): string {
  let plain: Buffer;
  try {
    const data = Buffer.from(encrypt, 'base64');
    if (data.length === 0 || data.length % 16 !== 0) throw new CallbackCryptoError('decrypt');
    const decipher = createDecipheriv('aes-256-cbc', aesKey, aesKey.subarray(0, 16));
    decipher.setAutoPadding(false);
    plain = Buffer.concat([decipher.update(data), decipher.final()]);
  } catch {
    throw new CallbackCryptoError('decrypt');
  }
  const pad = plain[plain.length - 1]!;
  if (pad < 1 || pad > BLOCK || pad > plain.length) throw new CallbackCryptoError('decrypt');
  for (let i = plain.length - pad; i < plain.length; i++)
    if (plain[i] !== pad) throw new CallbackCryptoError('decrypt');
  const content = plain.subarray(0, plain.length - pad);
  if (content.length < 20) throw new CallbackCryptoError('decrypt');
  const msgLength = content.readUInt32BE(16);
  if (20 + msgLength > content.length) throw new CallbackCryptoError('decrypt');
  const receiver = content.subarray(20 + msgLength).toString('utf8');
  if (!sameSignature(receiver, receiveId)) throw new CallbackCryptoError('receiver');
  return content.subarray(20, 20 + msgLength).toString('utf8');
}

/** Encrypts a message for `receiveId` (replies, and the local test servers that play WeCom). */
export function wecomEncrypt(
  aesKey: Buffer,
  message: string,
  receiveId: string,
  random = randomBytes(16),
): string {
  const msg = Buffer.from(message, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(msg.length, 0);
  const body = Buffer.concat([random, length, msg, Buffer.from(receiveId, 'utf8')]);
  const pad = BLOCK - (body.length % BLOCK);
  const padded = Buffer.concat([body, Buffer.alloc(pad, pad)]);
  const cipher = createCipheriv('aes-256-cbc', aesKey, aesKey.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(padded), cipher.final()]).toString('base64');
}
