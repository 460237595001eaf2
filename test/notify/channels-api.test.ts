// The channel settings API over real HTTP on the real app: ordered channels per user, team robots
// by configured name, refusals with a code and nothing written, and no secret in any answer.
import { startTestApp, type TestApp } from '../support/app';
import { ROBOTS } from './helpers';

let app: TestApp;

beforeAll(async () => {
  app = await startTestApp({
    env: {
      WECOM_CORP_ID: 'ww-api-test',
      WECOM_AGENT_ID: '1000002',
      WECOM_APP_SECRET: 'wecom-api-test-secret-0001',
      IM_ROBOTS: JSON.stringify(ROBOTS),
    },
  });
}, 120_000);
afterAll(() => app?.stop());

it('lists the configured channels and robot names, never their secrets', async () => {
  const res = await app.api(app.org.repA1, 'GET', '/api/channels');
  expect(res.status).toBe(200);
  expect(res.body).toEqual({
    channels: ['wecom_app', 'wecom_robot', 'dingtalk_robot', 'feishu_robot'],
    robots: [
      { name: 'wecom-team', channel: 'wecom_robot' },
      { name: 'ding-team', channel: 'dingtalk_robot' },
      { name: 'feishu-team', channel: 'feishu_robot' },
    ],
  });
  const text = JSON.stringify(res.body);
  for (const secret of ['wecom-api-test-secret-0001', ROBOTS['ding-team'].secret, ROBOTS['wecom-team'].key])
    expect(text).not.toContain(secret);
});

it('a user sets their ordered channels; their manager reads them; bad input is refused and writes nothing', async () => {
  const path = `/api/users/${app.org.repA1.id}/channels`;
  const channels = [
    { channel: 'feishu_app', platformUserId: 'ou_rep_a1' },
    { channel: 'wecom_app', platformUserId: 'rep.a1' },
  ];
  expect((await app.api(app.org.repA1, 'PUT', path, { channels })).status).toBe(200);
  const read = await app.api(app.org.managerA, 'GET', path);
  expect(read.body).toEqual({ channels });

  const duplicate = await app.api(app.org.repA1, 'PUT', path, {
    channels: [channels[1], { channel: 'wecom_app', platformUserId: 'other' }],
  });
  expect(duplicate.status).toBe(400);
  expect(duplicate.body.error.code).toBe('INVALID_INPUT');
  const unknown = await app.api(app.org.repA1, 'PUT', path, {
    channels: [{ channel: 'slack', platformUserId: 'x' }],
  });
  expect(unknown.status).toBe(400);
  const spaces = await app.api(app.org.repA1, 'PUT', path, {
    channels: [{ channel: 'wecom_app', platformUserId: 'a b' }],
  });
  expect(spaces.status).toBe(400);
  expect((await app.api(app.org.repA1, 'GET', path)).body).toEqual({ channels });
});

it("a manager sets their line's robot by its configured name; an unknown robot or a rep's 'line' is refused", async () => {
  const path = `/api/users/${app.org.managerA.id}/team-robots`;
  const ok = await app.api(app.org.managerA, 'PUT', path, {
    robots: [{ channel: 'dingtalk_robot', robot: 'ding-team' }],
  });
  expect(ok.status).toBe(200);
  expect(ok.body).toEqual({ robots: [{ channel: 'dingtalk_robot', robot: 'ding-team' }] });

  const unknown = await app.api(app.org.managerA, 'PUT', path, {
    robots: [{ channel: 'dingtalk_robot', robot: 'nope' }],
  });
  expect(unknown.status).toBe(400);
  expect(unknown.body.error.code).toBe('INVALID_INPUT');
  const wrongKind = await app.api(app.org.managerA, 'PUT', path, {
    robots: [{ channel: 'feishu_robot', robot: 'ding-team' }],
  });
  expect(wrongKind.status).toBe(400);
  expect((await app.api(app.org.director, 'GET', path)).body).toEqual({
    robots: [{ channel: 'dingtalk_robot', robot: 'ding-team' }],
  });

  const onRep = await app.api(app.org.admin, 'PUT', `/api/users/${app.org.repA1.id}/team-robots`, {
    robots: [],
  });
  expect(onRep.status).toBe(422);
  expect(onRep.body.error.code).toBe('RULE_REFUSED');
  expect(
    (await app.api(app.org.admin, 'GET', `/api/users/00000000-0000-4000-8000-000000000000/team-robots`))
      .status,
  ).toBe(404);
});
