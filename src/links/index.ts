export { createActionLinks } from './action-links';
export type {
  ActionLinks,
  ActionLinksOptions,
  IssueLinkInput,
  IssuedLink,
  LinkUser,
  VerifiedLink,
  VerifyOptions,
} from './action-links';
export { loadOrCreateLinkSecret, resolveLinkSecret, LINK_SECRET_FILE } from './secret';
export { readSignedToken, signToken, ZLinkActionSchema, ZLinkPayloadSchema } from './token';
export type { TLinkAction, TLinkPayload } from './token';
export { redactLinkTokens, REDACTED_TOKEN } from './redact';
