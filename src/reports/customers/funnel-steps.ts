// The six steps as the reports use them: keys and positions from the process definition, and the
// same steps as an SQL VALUES list so a query can turn a journalled step key into its position.
import { PSM_PROCESS } from '../../../workflows/psm-process';
import { Prisma } from '../../db/prisma';

export const CUSTOMER_STEPS = PSM_PROCESS.customerFunnel.steps;
export const stepIndex = (key: string): number => CUSTOMER_STEPS.findIndex((s) => s.key === key);

/** 清单客户: a claimed account, the seed's "contacted customer". */
export const LISTED_INDEX = stepIndex('listed');
/** 订单客户: a signed order, the seed's "successful sale". */
export const ORDER_INDEX = stepIndex('order');
/** 在网客户: stays with its owner, outside the claim cap. */
export const ACTIVE_KEY = 'active';

/**
 * Seed 001 §4.1: measured over many cases, even excellent reps sell to fewer than 15 % of the
 * customers they contact (销售成功率即购买客户数量占接触客户数量之比低于15%).
 */
export const SUCCESS_RATE_BENCHMARK = 0.15;

/** `(VALUES ('target', 0), ...) AS <alias>(key, idx)` */
export function stepsValues(alias: string): Prisma.Sql {
  const rows = CUSTOMER_STEPS.map((s, i) => Prisma.sql`(${s.key}::text, ${i}::int)`);
  return Prisma.sql`(VALUES ${Prisma.join(rows)}) AS ${Prisma.raw(alias)}(key, idx)`;
}
