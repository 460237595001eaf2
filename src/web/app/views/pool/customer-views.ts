// The customer pages by route, the lazily loaded chunk's one export (see ./lazy.tsx).
import { AccountView } from '../account';
import { AssignView } from '../assign';
import { HandoverView } from '../handover';
import { ImportView } from '../import';
import { MyClaimsView } from '../my-claims';
import { PoolView } from './index';

export const CUSTOMER_VIEWS = {
  pool: PoolView,
  myClaims: MyClaimsView,
  account: AccountView,
  assign: AssignView,
  import: ImportView,
  handover: HandoverView,
};
