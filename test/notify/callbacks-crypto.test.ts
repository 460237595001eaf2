// The callback crypto against the platforms' own published samples (WeCom's WXBizMsgCrypt
// sample, Feishu's "接收事件" decryption sample), plus round trips and tampering.
import { createHash, createHmac } from 'node:crypto';
import { dingtalkSign, dingtalkVerifySign } from '../../src/notify/callbacks/dingtalk-sign';
import {
  feishuDecrypt,
  feishuEncrypt,
  feishuSignature,
  feishuVerifySignature,
} from '../../src/notify/callbacks/feishu-crypto';
import { flatXml, xmlField } from '../../src/notify/callbacks/flat-xml';
import {
  CallbackCryptoError,
  wecomAesKey,
  wecomDecrypt,
  wecomEncrypt,
  wecomSignature,
  wecomVerifySignature,
} from '../../src/notify/callbacks/wecom-crypto';

describe('WeCom WXBizMsgCrypt', () => {
  // The VerifyURL sample of WeCom's WXBizMsgCrypt libraries (Sample.py / Sample.java).
  const sample = {
    token: 'QDG6eK',
    encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C',
    corpId: 'wx5823bf96d3bd56c7',
    msgSignature: '5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3',
    timestamp: '1409659589',
    nonce: '263014780',
    echostr: 'P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==',
    plain: '1616140317555161061',
  };

  it('computes the sample msg_signature and decrypts the sample echostr', () => {
    expect(wecomSignature(sample.token, sample.timestamp, sample.nonce, sample.echostr)).toBe(
      sample.msgSignature,
    );
    expect(() => wecomVerifySignature(sample.token, { ...sample, encrypt: sample.echostr })).not.toThrow();
    expect(wecomDecrypt(wecomAesKey(sample.encodingAesKey), sample.echostr, sample.corpId)).toBe(
      sample.plain,
    );
  });

  it('refuses a changed signature, nonce, timestamp or body, and a message for another corp', () => {
    const key = wecomAesKey(sample.encodingAesKey);
    const tampered = [
      { ...sample, encrypt: sample.echostr, msgSignature: sample.msgSignature.replace(/^5/, '6') },
      { ...sample, encrypt: sample.echostr, nonce: '263014781' },
      { ...sample, encrypt: sample.echostr, timestamp: '1409659590' },
      { ...sample, encrypt: sample.echostr.replace('P9n', 'P9m') },
    ];
    for (const params of tampered)
      expect(() => wecomVerifySignature(sample.token, params)).toThrow(CallbackCryptoError);
    expect(() => wecomDecrypt(key, sample.echostr, 'ww-other-corp')).toThrow(/receiver/);
    expect(() => wecomDecrypt(key, 'AAAA', sample.corpId)).toThrow(/decrypt/);
  });

  it('round-trips a message with padding to 32 bytes, multi-byte text included', () => {
    const key = wecomAesKey(sample.encodingAesKey);
    for (const message of [
      '',
      'a',
      '审批 ✓'.repeat(50),
      flatXml({ Event: 'template_card_event', EventKey: 'x]]>y' }),
    ]) {
      const encrypted = wecomEncrypt(key, message, sample.corpId);
      expect(Buffer.from(encrypted, 'base64').length % 32).toBe(0);
      expect(wecomDecrypt(key, encrypted, sample.corpId)).toBe(message);
    }
  });

  it('refuses an EncodingAESKey that is not 43 base64 characters', () => {
    expect(() => wecomAesKey('short')).toThrow(CallbackCryptoError);
    expect(() => wecomAesKey(`${sample.encodingAesKey}A`)).toThrow(CallbackCryptoError);
  });

  it('reads flat XML fields, CDATA or not, and what flatXml wrote', () => {
    const xml = flatXml({ FromUserName: 'zhang.san', CreateTime: 1409659813, EventKey: 'a]]>b<c' });
    expect(xmlField(xml, 'FromUserName')).toBe('zhang.san');
    expect(xmlField(xml, 'CreateTime')).toBe('1409659813');
    expect(xmlField(xml, 'EventKey')).toBe('a]]>b<c');
    expect(xmlField('<xml><A>x &amp; y</A></xml>', 'A')).toBe('x & y');
    expect(xmlField(xml, 'Missing')).toBeUndefined();
  });
});

describe('Feishu encrypt key and signature', () => {
  it('decrypts the sample of Feishu\'s "接收事件" page ("test key" → "hello world")', () => {
    expect(feishuDecrypt('test key', 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=')).toBe('hello world');
  });

  it('round-trips and refuses another key', () => {
    const encrypted = feishuEncrypt('k1', '{"challenge":"c"}');
    expect(feishuDecrypt('k1', encrypted)).toBe('{"challenge":"c"}');
    expect(() => feishuDecrypt('k2', encrypted)).toThrow(CallbackCryptoError);
  });

  it('signs sha256(timestamp + nonce + encrypt_key + body) and refuses any change', () => {
    const body = Buffer.from('{"encrypt":"abc"}');
    const signature = feishuSignature('1700000000', 'n1', 'key', body);
    // Independent spelling of the documented formula.
    const expected = createHash('sha256').update('1700000000n1key{"encrypt":"abc"}').digest('hex');
    expect(signature).toBe(expected);
    const ok = { signature, timestamp: '1700000000', nonce: 'n1', rawBody: body };
    expect(() => feishuVerifySignature('key', ok)).not.toThrow();
    expect(() =>
      feishuVerifySignature('key', { ...ok, rawBody: Buffer.from('{"encrypt":"abd"}') }),
    ).toThrow();
    expect(() => feishuVerifySignature('key', { ...ok, nonce: 'n2' })).toThrow();
    expect(() => feishuVerifySignature('other', ok)).toThrow();
  });
});

describe('DingTalk HMAC-SHA256 timestamp signature', () => {
  it('is base64(HMAC-SHA256(secret, timestamp\\nsecret)) and refuses any change', () => {
    const secret = 'SEC-test-secret';
    const sign = dingtalkSign('1700000000000', secret);
    expect(sign).toBe(createHmac('sha256', secret).update(`1700000000000\n${secret}`).digest('base64'));
    expect(() => dingtalkVerifySign(secret, { timestamp: '1700000000000', sign })).not.toThrow();
    expect(() => dingtalkVerifySign(secret, { timestamp: '1700000000001', sign })).toThrow(
      CallbackCryptoError,
    );
    expect(() => dingtalkVerifySign('SEC-other', { timestamp: '1700000000000', sign })).toThrow(
      CallbackCryptoError,
    );
  });
});
