export {
  APPROVAL_CARD_TEMPLATES,
  CARD_TOKEN_FIELD,
  buildApprovalCard,
  buildDecidedCard,
  cardIdFor,
  decisionLine,
  isApprovalCardTemplate,
  type ApprovalCardFacts,
  type ApprovalCardInput,
  type ApprovalCardTemplate,
  type CardDecision,
} from './approval-card';
export { issueCardTokens } from './issue-card-tokens';
