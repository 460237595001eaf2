// Group-robot request signatures, exactly as the platforms document them.
import { createHmac } from 'node:crypto';

/**
 * DingTalk custom robot 加签: HMAC-SHA256 over `${timestamp}\n${secret}` keyed with the secret,
 * Base64, then URL-encoded into the webhook's query (timestamp in ms, at most 1 hour off).
 * https://open.dingtalk.com/document/orgapp/customize-robot-security-settings
 */
export function dingTalkRobotSign(secret: string, timestampMs: number): string {
  return createHmac('sha256', secret).update(`${timestampMs}\n${secret}`, 'utf8').digest('base64');
}

/**
 * Feishu custom robot 签名校验: HMAC-SHA256 keyed with `${timestamp}\n${secret}` over an EMPTY
 * message, Base64; timestamp in seconds, sent in the JSON body with `sign` (accepted within 1 hour).
 * https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot (签名校验)
 */
export function feishuRobotSign(secret: string, timestampSeconds: number): string {
  return createHmac('sha256', `${timestampSeconds}\n${secret}`).update('').digest('base64');
}
