// My list's pure arithmetic: days left to a claim's lapse day on the team's calendar (Asia/Shanghai,
// like every date on the page), and the order by urgency (nearest lapse first, protected last).
import { byUrgency, daysLeft, poolQuery, type Claim } from '../../src/web/app/api/customers-logic';

const claim = (name: string, lapsesAt: string | null, isProtected = false): Claim => ({
  accountId: `acc-${name}`,
  name,
  funnelStep: 'listed',
  claimedAt: '2026-11-01T02:00:00Z',
  lapsesAt,
  warnsAt: null,
  lastSalesActionAt: null,
  protected: isProtected,
});

describe('my list arithmetic', () => {
  it('counts calendar days in Shanghai, not 24-hour spans', () => {
    const now = new Date('2026-12-02T15:30:00Z'); // 23:30 on 2 Dec in Shanghai
    expect(daysLeft('2026-12-02T16:30:00Z', now)).toBe(1); // 00:30 on 3 Dec: tomorrow, one hour away
    expect(daysLeft('2026-12-02T15:50:00Z', now)).toBe(0);
    expect(daysLeft('2027-01-13T16:00:00Z', now)).toBe(43); // 00:00 on 14 Jan in Shanghai
    expect(daysLeft('2026-11-30T04:00:00Z', now)).toBe(-2);
    expect(daysLeft(null, now)).toBeNull();
  });

  it('puts the nearest lapse first, claims with no clock (protected) last, ties by name', () => {
    const sorted = byUrgency([
      claim('c', '2027-01-20T16:00:00Z'),
      claim('p', '2026-12-03T16:00:00Z', true),
      claim('b', '2026-12-10T16:00:00Z'),
      claim('a', '2026-12-10T16:00:00Z'),
      claim('n', null),
    ]);
    expect(sorted.map((c) => c.name)).toEqual(['a', 'b', 'c', 'n', 'p']);
  });

  it('sends only the filters that are set, trimmed', () => {
    expect(poolQuery({ q: ' 云栖 ', industry: '', region: undefined, tag: '重点', cursor: null })).toBe(
      `q=${encodeURIComponent('云栖')}&tag=${encodeURIComponent('重点')}`,
    );
  });
});
