// Feishu (飞书) callback crypto as its open platform documents it: with an Encrypt Key the body is
// {"encrypt": base64(iv(16) + AES-256-CBC(PKCS#7) of the JSON)} with key = sha256(encrypt_key),
// and each request is signed: X-Lark-Signature = sha256_hex(timestamp + nonce + encrypt_key +
// raw body). Without an Encrypt Key only the Verification Token in the body proves the sender.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import { CallbackCryptoError, sameSignature } from './wecom-crypto';

const keyOf = (encryptKey: string): Buffer => createHash('sha256').update(encryptKey, 'utf8').digest();

export function feishuSignature(
  timestamp: string,
  nonce: string,
  encryptKey: string,
  rawBody: Buffer | string,
): string {
  return createHash('sha256')
    .update(Buffer.concat([Buffer.from(timestamp + nonce + encryptKey, 'utf8'), Buffer.from(rawBody)]))
    .digest('hex');
}

export function feishuVerifySignature(
  encryptKey: string,
  params: { signature: string; timestamp: string; nonce: string; rawBody: Buffer },
): void {
  const expected = feishuSignature(params.timestamp, params.nonce, encryptKey, params.rawBody);
  if (!sameSignature(params.signature.toLowerCase(), expected)) throw new CallbackCryptoError('signature');
}

export function feishuDecrypt(encryptKey: string, encrypt: string): string {
  try {
    const data = Buffer.from(encrypt, 'base64');
    if (data.length < 32 || data.length % 16 !== 0) throw new CallbackCryptoError('decrypt');
    const decipher = createDecipheriv('aes-256-cbc', keyOf(encryptKey), data.subarray(0, 16));
    return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
  } catch {
    throw new CallbackCryptoError('decrypt');
  }
}

export function feishuEncrypt(encryptKey: string, plain: string, iv = randomBytes(16)): string {
  const cipher = createCipheriv('aes-256-cbc', keyOf(encryptKey), iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}
