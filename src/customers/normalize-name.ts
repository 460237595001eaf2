// The one account-name normaliser (issue 11, 撞单): two names are the same customer when their
// normalised forms are equal. Its SQL twin is account_normalized_name() in the `accounts` migration
// (used for the backfill); test/customers/accounts-normalize.test.ts proves the two agree.
//
// 1. NFKC: full-width letters, digits, brackets （）and the ideographic space become half-width.
// 2. Lower case; runs of white space become one space.
// 3. English legal forms after a separator (", Co., Ltd.", " Inc", " Limited") are dropped.
// 4. All white space is dropped, then trailing Chinese legal forms: 股份有限公司, 有限责任公司,
//    有限公司, (集团), 集团, 公司, in any repetition (某某集团股份有限公司 -> 某某).
// A name that is nothing but a legal form keeps it (有限公司 stays 有限公司).

const ENGLISH_FORMS =
  /(?:[\s,.]+(?:co\.?,?\s*ltd|ltd|limited|inc|incorporated|corp|corporation|llc|gmbh|co)\.?)+$/;
const CHINESE_FORMS = /(?:股份有限公司|有限责任公司|有限公司|\(集团\)|集团|公司)+$/;

export function normalizeAccountName(raw: string): string {
  const spaced = raw.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
  const bare = spaced.replace(ENGLISH_FORMS, '').replace(/\s+/g, '');
  const stripped = bare.replace(CHINESE_FORMS, '');
  return stripped === '' ? bare : stripped;
}

/**
 * What the pool search asks the nameGrams index for (migration account_name_grams keeps each
 * account's): a one-character query its character, a longer one its adjacent pairs.
 */
export function searchGrams(normalized: string): string[] {
  const chars = Array.from(normalized);
  if (chars.length <= 1) return chars;
  return [...new Set(chars.slice(1).map((c, i) => chars[i]! + c))];
}
