// A click on an approval card, once its platform signature has been verified: map the platform
// user to ours, then redeem the button's ActionToken exactly as the email link's POST does
// (src/links/action-links.ts: signed, issued, unused, unexpired, for this very user; claimed
// atomically so of two concurrent clicks exactly one acts, released when the action fails so a
// failed click can be retried) and send decideApproval with the link id as the Update id. The
// workflow's validator then applies the approval rules (the approver or someone above them,
// still pending): the same guarantees as the email link, end to end.
import type { PrismaClient } from '../../db/prisma';
import { AppError } from '../../errors/app-error';
import type { ErrorCode } from '../../errors/codes';
import { resolveLocale, type TLocale } from '../../i18n/locales';
import type { ActionLinks, TLinkPayload } from '../../links';
import type { OpportunityClient } from '../../opportunities/workflow-client';
import { toAppError } from '../../temporal/errors';
import type { ChannelKind, Platform } from '../channel';

export interface ChatClick {
  platform: Platform;
  /** WeCom userid, DingTalk userid, Feishu open_id: as the platform's signed callback names the clicker. */
  platformUserId: string;
  /** The button's value: the signed ActionToken. */
  token: string;
}

export type ChatClickOutcome =
  | {
      kind: 'decided';
      status: 'approved' | 'rejected';
      userId: string;
      locale: TLocale;
      link: TLinkPayload;
    }
  | {
      kind: 'refused';
      code: ErrorCode;
      message: string;
      locale: TLocale;
      /** Known when the clicker was mapped; the link when its signature held. */
      userId?: string;
      link?: TLinkPayload;
    };

export interface ChatDeciderDeps {
  prisma: PrismaClient;
  links: ActionLinks;
  opportunities: Pick<OpportunityClient, 'command'>;
  /** Where failures that are not refusals (5xx) are reported. */
  onError?(err: unknown): void;
}

const APP_CHANNEL: Record<Platform, ChannelKind> = {
  wecom: 'wecom_app',
  dingtalk: 'dingtalk_app',
  feishu: 'feishu_app',
};

export interface ChatDecider {
  /** Never throws: every result, refusals and outages included, is an outcome. */
  decide(click: ChatClick): Promise<ChatClickOutcome>;
}

export function createChatDecider(deps: ChatDeciderDeps): ChatDecider {
  const { prisma, links } = deps;

  /** Our user behind a platform id, through the preferences table (one match, active). */
  async function mapUser(
    click: ChatClick,
  ): Promise<{ id: string; locale: TLocale; role: string } | undefined> {
    const rows = await prisma.userChannel.findMany({
      where: { channel: APP_CHANNEL[click.platform], platformUserId: click.platformUserId },
      select: { user: { select: { id: true, locale: true, role: true, active: true } } },
      take: 2,
    });
    // Two of our users claiming one platform id is a directory error: act for neither.
    if (rows.length !== 1 || !rows[0]!.user.active) return undefined;
    const user = rows[0]!.user;
    return { id: user.id, locale: resolveLocale(user.locale), role: user.role };
  }

  async function decide(click: ChatClick): Promise<ChatClickOutcome> {
    const peeked = links.peek(click.token);
    let user: Awaited<ReturnType<typeof mapUser>>;
    try {
      user = await mapUser(click);
      if (!user)
        throw new AppError('CHAT_USER_UNLINKED', 'this chat account is not linked to an active user');
      const actor = { userId: user.id, role: user.role as 'rep' | 'manager' | 'director' | 'admin' };
      const link = await links.redeem(click.token, { actingUserId: user.id }, async (verified) => {
        const { action, subjectId, opportunityId, jti } = verified.payload;
        if (action !== 'approve' && action !== 'reject')
          throw new AppError('TOKEN_INVALID', 'this button does not decide an approval');
        await deps.opportunities.command(
          opportunityId,
          'decideApproval',
          {
            approvalId: subjectId,
            decision: action === 'approve' ? 'approved' : 'rejected',
            comment: `via ${click.platform}`,
          },
          actor,
          // One link, one decision: a retried click reuses the Update id.
          `chat-${jti}`,
        );
        return verified;
      });
      return {
        kind: 'decided',
        status: link.payload.action === 'approve' ? 'approved' : 'rejected',
        userId: user.id,
        locale: user.locale,
        link: link.payload,
      };
    } catch (err) {
      const appError = toAppError(err);
      if (appError.status >= 500 && appError.code !== 'SERVICE_UNAVAILABLE') deps.onError?.(err);
      return {
        kind: 'refused',
        code: appError.code,
        message: appError.status >= 500 ? 'temporarily unavailable' : appError.message,
        locale: user?.locale ?? 'zh-CN',
        ...(user ? { userId: user.id } : {}),
        ...(peeked ? { link: peeked } : {}),
      };
    }
  }

  return { decide };
}

/** Resolves with the outcome if it settles within `ms`, else undefined (the work goes on). */
export async function within<T>(work: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const result = await Promise.race([
    work,
    new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms))),
  ]);
  clearTimeout(timer);
  return result;
}
