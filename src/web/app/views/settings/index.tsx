// Settings (#/settings): the notification channels a person is reached on, in order of preference
// (GET/PUT /api/users/:id/channels), and for a manager and above the group robot their team's
// messages go to per platform (GET/PUT /api/users/:id/team-robots). Only the channels this server
// has configured (GET /api/channels) are offered.
import { useEffect, useState } from 'preact/hooks';
import { api, command } from '../../api';
import { ErrorBox } from '../../components/error-box';
import { Field, useSubmit } from '../../components/form';
import { t } from '../../i18n';
import type { Route } from '../../router';
import { useSession } from '../../session';

interface Configured {
  channels: string[];
  robots: { name: string; channel: string }[];
}
interface ChannelRow {
  channel: string;
  platformUserId: string;
}

export function SettingsView(_props: { route: Route }) {
  const { me, toast } = useSession();
  const [configured, setConfigured] = useState<Configured | null>(null);
  const [rows, setRows] = useState<ChannelRow[]>([]);
  const [robots, setRobots] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const manages = me.role !== 'rep';

  useEffect(() => {
    const load = async () => {
      const [{ data: conf }, { data: mine }] = await Promise.all([
        api<Configured>('GET', '/api/channels'),
        api<{ channels: ChannelRow[] }>('GET', `/api/users/${me.id}/channels`),
      ]);
      // Personal channels are the platforms' app messages (robots post to a team's group). The
      // person's own first, in their order, then the other configured ones, empty.
      const personal = conf.channels.filter((c) => c.endsWith('_app'));
      const ordered = [
        ...mine.channels.filter((c) => personal.includes(c.channel)),
        ...personal
          .filter((c) => !mine.channels.some((m) => m.channel === c))
          .map((c) => ({ channel: c, platformUserId: '' })),
      ];
      // Everything is read before the forms show, so nothing the person picks is overwritten.
      const team = manages
        ? await api<{ robots: { channel: string; robot: string }[] }>(
            'GET',
            `/api/users/${me.id}/team-robots`,
          )
            .then(({ data }) => data.robots)
            .catch(() => []) // no team (an admin outside any line): nothing to pick from
        : [];
      setRobots(Object.fromEntries(team.map((r) => [r.channel, r.robot])));
      setRows(ordered);
      setConfigured(conf);
    };
    load().catch((err: unknown) => setError(err));
  }, [me.id, manages]);

  const saveChannels = useSubmit(async () => {
    const channels = rows
      .map((r) => ({ channel: r.channel, platformUserId: r.platformUserId.trim() }))
      .filter((r) => r.platformUserId !== '');
    await command('channels', 'PUT', `/api/users/${me.id}/channels`, { channels });
    toast(t('settings.savedToast'));
  });
  const saveRobots = useSubmit(async () => {
    const list = Object.entries(robots)
      .filter(([, robot]) => robot !== '')
      .map(([channel, robot]) => ({ channel, robot }));
    await command('team-robots', 'PUT', `/api/users/${me.id}/team-robots`, { robots: list });
    toast(t('settings.savedToast'));
  });

  const move = (index: number) =>
    setRows((list) => {
      const next = [...list];
      [next[index - 1], next[index]] = [next[index]!, next[index - 1]!];
      return next;
    });

  const robotChannels = [...new Set((configured?.robots ?? []).map((r) => r.channel))];
  return (
    <>
      <div class="page-head">
        <h1>{t('settings.title')}</h1>
      </div>
      <ErrorBox error={error} />
      <section class="card" aria-labelledby="channels-title">
        <h2 id="channels-title">{t('settings.channels')}</h2>
        <p class="muted small">{t('settings.channelsHint')}</p>
        {!configured ? (
          error ? null : (
            <p class="muted">{t('common.loading')}</p>
          )
        ) : rows.length === 0 ? (
          <p class="muted">{t('settings.noChannels')}</p>
        ) : (
          <form id="channels-form" onSubmit={saveChannels.onSubmit}>
            <ol class="plain channel-list">
              {rows.map((row, i) => (
                <li key={row.channel} class="channel-row" data-channel={row.channel}>
                  <Field label={t(`channel.${row.channel}`, { defaultValue: row.channel })}>
                    <input
                      name={row.channel}
                      value={row.platformUserId}
                      maxLength={200}
                      autocomplete="off"
                      placeholder={t('settings.platformUserId')}
                      onInput={(e) => {
                        const value = (e.currentTarget as HTMLInputElement).value;
                        setRows((list) =>
                          list.map((r) => (r.channel === row.channel ? { ...r, platformUserId: value } : r)),
                        );
                      }}
                    />
                  </Field>
                  {i > 0 ? (
                    <button
                      type="button"
                      class="move-up"
                      aria-label={t('settings.moveUp', {
                        name: t(`channel.${row.channel}`, { defaultValue: row.channel }),
                      })}
                      onClick={() => move(i)}
                    >
                      ↑
                    </button>
                  ) : null}
                </li>
              ))}
            </ol>
            <ErrorBox error={saveChannels.error} />
            <div class="actions">
              <button type="submit" class="primary" disabled={saveChannels.busy}>
                {t('settings.save')}
              </button>
            </div>
          </form>
        )}
      </section>
      {manages && configured && robotChannels.length > 0 ? (
        <section class="card" aria-labelledby="robots-title">
          <h2 id="robots-title">{t('settings.teamRobots')}</h2>
          <form id="team-robots-form" onSubmit={saveRobots.onSubmit}>
            {robotChannels.map((channel) => (
              <Field key={channel} label={t(`channel.${channel}`, { defaultValue: channel })}>
                <select
                  name={channel}
                  value={robots[channel] ?? ''}
                  onChange={(e) => {
                    const value = (e.currentTarget as HTMLSelectElement).value;
                    setRobots((r) => ({ ...r, [channel]: value }));
                  }}
                >
                  <option value="">{t('settings.noRobot')}</option>
                  {configured.robots
                    .filter((r) => r.channel === channel)
                    .map((r) => (
                      <option key={r.name} value={r.name}>
                        {r.name}
                      </option>
                    ))}
                </select>
              </Field>
            ))}
            <ErrorBox error={saveRobots.error} />
            <div class="actions">
              <button type="submit" disabled={saveRobots.busy}>
                {t('settings.saveRobots')}
              </button>
            </div>
          </form>
        </section>
      ) : null}
    </>
  );
}
