export {
  APPROVAL_CARD_TEMPLATES,
  CARD_TOKEN_FIELD,
  DINGTALK_INTERACTIVE_FIELD,
  dingtalkCardParams,
  buildApprovalCard,
  buildDecidedCard,
  buildStatusCard,
  cardIdFor,
  decisionLine,
  isApprovalCardTemplate,
  type ApprovalCardFacts,
  type CardAction,
  type ApprovalCardInput,
  type ApprovalCardTemplate,
  type CardDecision,
} from './approval-card';
export { issueCardTokens } from './issue-card-tokens';
export { renderApprovalCard, type ApprovalCardDeps } from './render-approval-card';
export { loadCardFacts } from './load-card-facts';
