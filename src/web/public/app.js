// The PSM web page: one ES module, no framework, no build step. It talks to /api with the user's
// bearer token (kept in localStorage) and reads the public process definition from /process.json.
//
// Safety rule for this file: everything that came from the API is put on the page as text
// (h() and textContent), never through innerHTML, so a deal name or a note cannot inject markup.

const TOKEN_KEY = 'psm.apiToken';
const DAY_MS = 24 * 60 * 60 * 1000;
/** After a command the read model lags a moment: the list refreshes quickly for a while. */
const FAST_POLL_MS = 2000;
const SLOW_POLL_MS = 20000;
const FAST_POLL_WINDOW_MS = 30000;

const main = document.getElementById('main');

const session = {
  token: null,
  me: null,
  process: null,
  /** id → user, for the users the caller may see (their reporting line). */
  users: new Map(),
  lastCommandAt: 0,
};

// ---- labels (中文 · English) ------------------------------------------------------------------

const STATUS = {
  open: ['进行中', 'Open'],
  on_hold: ['已暂停', 'On hold'],
  won: ['已赢单', 'Won'],
  lost: ['已丢单', 'Lost'],
};
const APPROVAL_KIND = {
  milestone_gate: ['里程碑审批', 'Milestone gate'],
  skip_milestone: ['跳过里程碑', 'Skip a milestone'],
  discount: ['折扣审批', 'Discount'],
};
const APPROVAL_STATUS = {
  pending: ['待审批', 'Pending'],
  approved: ['已批准', 'Approved'],
  rejected: ['已驳回', 'Rejected'],
  cancelled: ['已撤销', 'Cancelled'],
};
const ACTIVITY_KIND = {
  visit: ['拜访', 'Visit'],
  call: ['电话', 'Call'],
  meeting: ['会议', 'Meeting'],
  email: ['邮件', 'Email'],
};
const ROLE = {
  approver: ['批准者', 'Approver'],
  decision_maker: ['决策者', 'Decision maker'],
  evaluator: ['评估者', 'Evaluator'],
  influencer: ['影响者', 'Influencer'],
  user: ['使用者', 'User'],
};
const STANCE = {
  power_sponsor: ['强力支持者', 'Power sponsor'],
  sponsor: ['支持者（发起人）', 'Sponsor'],
  supporter: ['支持', 'Supporter'],
  neutral: ['中立', 'Neutral'],
  non_supporter: ['不支持', 'Non-supporter'],
  hostile: ['敌对', 'Hostile'],
};
const USER_ROLE = {
  rep: ['销售', 'Rep'],
  manager: ['销售经理', 'Manager'],
  director: ['总监', 'Director'],
  admin: ['管理员', 'Admin'],
};
const TIMER_KIND = {
  follow_up: ['跟进提醒（销售）', 'Follow-up reminder to the rep'],
  stall: ['停滞升级', 'Stall escalation'],
  approval_reminder: ['审批提醒（审批人）', 'Approval reminder to the approver'],
  approval_escalation: ['审批升级', 'Approval escalation'],
  contract_window: ['合同签订期限升级', 'Contract-window escalation'],
};
const EVENT = {
  created: ['创建商机', 'Deal created'],
  milestone_reached: ['到达里程碑', 'Milestone reached'],
  evidence_recorded: ['记录达成条件与证据', 'Criteria and evidence recorded'],
  activity_logged: ['记录销售活动', 'Activity logged'],
  approval_requested: ['申请审批', 'Approval requested'],
  approval_decided: ['审批结果', 'Approval decided'],
  escalation_sent: ['已发送升级通知', 'Escalation sent'],
  escalation_skipped: ['升级未发送', 'Escalation skipped'],
  notification_sent: ['已发送通知', 'Notification sent'],
  notification_possibly_duplicated: ['通知可能重复发送', 'Notification possibly sent twice'],
  sla_breached: ['超出阶段时限', 'Stage SLA breached'],
  won: ['赢单', 'Won'],
  lost: ['丢单', 'Lost'],
  on_hold: ['暂停', 'Put on hold'],
  resumed: ['恢复', 'Resumed'],
  reopened: ['重新打开', 'Reopened'],
  checklist_ticked: ['工作清单', 'Checklist'],
  stakeholder_upserted: ['干系人', 'Stakeholder'],
  fields_updated: ['修改商机信息', 'Deal fields updated'],
  execution_completed: ['合同执行完成', 'Contract execution completed'],
  reporting_line_missing: ['汇报线查询失败', 'Reporting line not found'],
  reporting_line_changed: ['汇报线变更', 'Reporting line changed'],
  approval_rerouted: ['审批已转交', 'Approval re-routed'],
  approval_voided: ['审批已作废', 'Approval voided'],
  dead_lettered: ['记录无法保存（已转入死信）', 'Record could not be stored (dead-lettered)'],
};
const REROUTE_REASON = {
  amount_changed: ['金额变更', 'amount changed'],
  owner_changed: ['负责人变更', 'owner changed'],
  reporting_line_changed: ['汇报线变更', 'reporting line changed'],
};
const NOTIFICATION = {
  follow_up_reminder: ['跟进提醒', 'Follow-up reminder'],
  stall_escalation: ['停滞升级', 'Stall escalation'],
  approval_request: ['审批请求', 'Approval request'],
  approval_reminder: ['审批提醒', 'Approval reminder'],
  approval_escalation: ['审批升级', 'Approval escalation'],
  decision_notice: ['审批结果通知', 'Decision notice'],
  contract_window_escalation: ['合同签订期限升级', 'Contract-window escalation'],
};
const ERROR_TITLE = {
  0: ['无法连接服务器', 'Could not reach the server'],
  400: ['输入有误', 'Invalid input'],
  401: ['令牌无效', 'Token refused'],
  403: ['无权操作', 'Not allowed'],
  404: ['未找到', 'Not found'],
  409: ['冲突', 'Conflict'],
  413: ['内容过长', 'Too large'],
  422: ['流程规则不允许', 'Refused by the process'],
  429: ['请求过于频繁', 'Too many requests'],
  503: ['服务暂不可用', 'Service unavailable'],
};
const ERROR_HINT = {
  CRITERIA_NOT_MET: [
    '勾选的达成条件不满足该里程碑的规则。',
    'The criteria ticked do not satisfy this milestone’s rule.',
  ],
  EVIDENCE_REQUIRED: ['请填写证据说明。', 'Write an evidence note.'],
  APPROVAL_REQUIRED: [
    '该里程碑需要先申请并获得审批。',
    'This milestone needs an approved request first: ask for it below.',
  ],
  APPROVAL_PENDING: ['审批仍在等待决定。', 'The approval is still waiting for a decision.'],
  MILESTONE_OUT_OF_ORDER: ['里程碑须按顺序完成。', 'Milestones go in order.'],
  DEAL_CLOSED: ['商机已关闭。', 'The deal is closed.'],
  DEAL_ON_HOLD: ['商机已暂停，请先恢复。', 'The deal is on hold: resume it first.'],
  NOT_APPROVER: ['您不是该审批的审批人。', 'You are not this approval’s approver.'],
  ALREADY_DECIDED: ['该审批已经处理过了。', 'This approval has already been decided.'],
  SERVICE_UNAVAILABLE: [
    '请稍后重试；重复提交不会被执行两次。',
    'Retry in a moment; a retried submission is never applied twice.',
  ],
};

const bi = (pair) => (pair ? `${pair[0]} · ${pair[1]}` : '');
const label = (table, key) => (table[key] ? bi(table[key]) : String(key ?? ''));
const biText = (b) => (b ? `${b.zh} · ${b.en}` : '');

// ---- DOM --------------------------------------------------------------------------------------

/** Creates an element. Children are nodes or text; strings never become markup. */
function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (['value', 'checked', 'disabled', 'hidden', 'required', 'open'].includes(key)) el[key] = value;
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

/** Bilingual text as two spans, so CSS can set the English smaller. */
function biNode(b, cls = '') {
  if (!b) return null;
  const zh = Array.isArray(b) ? b[0] : b.zh;
  const en = Array.isArray(b) ? b[1] : b.en;
  return h(
    'span',
    { class: `bi ${cls}`.trim() },
    h('span', { class: 'zh' }, zh),
    ' ',
    h('span', { class: 'en' }, en),
  );
}

function badge(text, kind = '') {
  return h('span', { class: `badge ${kind}`.trim() }, text);
}

function statusBadge(status) {
  return badge(label(STATUS, status), `status-${status}`);
}

let toastTimer = 0;
function toast(message) {
  const el = document.getElementById('toast');
  el.textContent = message;
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (el.hidden = true), 4000);
}

function field(labelText, control, hint) {
  return h(
    'label',
    { class: 'field' },
    h('span', { class: 'field-label' }, labelText),
    control,
    hint ? h('span', { class: 'hint' }, hint) : null,
  );
}

function select(name, options, value, props = {}) {
  return h(
    'select',
    { name, ...props },
    options.map(([v, text]) => h('option', { value: v, selected: v === value ? 'selected' : null }, text)),
  );
}

// ---- formatting ---------------------------------------------------------------------------------

const pad = (n) => String(n).padStart(2, '0');

function fmtDate(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

function fmtDateTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  return `${fmtDate(iso)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fmtAmount(amount, currency) {
  if (amount === null || amount === undefined) return '—';
  try {
    return new Intl.NumberFormat('zh-CN', { style: 'currency', currency, maximumFractionDigits: 0 }).format(
      amount,
    );
  } catch {
    return `${currency ?? ''} ${Number(amount).toLocaleString('zh-CN')}`;
  }
}

function daysSince(iso) {
  if (!iso) return null;
  return Math.max(0, Math.floor((Date.now() - Date.parse(iso)) / DAY_MS));
}

function relativeDue(iso) {
  const ms = Date.parse(iso) - Date.now();
  const days = Math.round(Math.abs(ms) / DAY_MS);
  if (Math.abs(ms) < DAY_MS) return ms >= 0 ? '今天 · today' : '刚刚到期 · just due';
  return ms >= 0 ? `${days} 天后 · in ${days} d` : `已过 ${days} 天 · ${days} d ago`;
}

/** The value a datetime-local input wants for "now", in the browser's time zone. */
function localNowInput() {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function milestoneDef(key) {
  return session.process?.milestones.find((m) => m.key === key) ?? null;
}

function milestoneName(key) {
  if (!key) return '—';
  if (session.process?.execution.key === key) return biText(session.process.execution.name);
  const m = milestoneDef(key);
  return m ? biText(m.name) : key;
}

function criterionLabel(key) {
  for (const m of session.process?.milestones ?? []) {
    const c = m.criteria.find((x) => x.key === key);
    if (c) return biText(c.label);
    if (m.approvalGate?.key === key) return biText(m.approvalGate.label);
  }
  return key;
}

function userName(id) {
  if (!id) return '—';
  const me = session.me;
  if (me && id === me.id) return `${me.name}（我 · me）`;
  const user = session.users.get(id);
  if (user) return user.name;
  if (me && id === me.managerId) return `我的经理 · my manager (${id.slice(0, 8)})`;
  return `用户 · user ${id.slice(0, 8)}`;
}

// ---- API ----------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/**
 * Calls the API with the session's token. A 401 signs out and shows the token prompt; other
 * failures throw ApiError carrying the API's { error: { code, message, details } }.
 */
async function api(method, path, { body, idempotencyKey, token = session.token } = {}) {
  const headers = { Accept: 'application/json', Authorization: `Bearer ${token}` };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (idempotencyKey) headers['Idempotency-Key'] = idempotencyKey;
  let res;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'NETWORK', '请检查网络后重试 · check the connection and retry');
  }
  const text = await res.text();
  let data = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (!res.ok) {
    const err = data && data.error ? data.error : {};
    const error = new ApiError(
      res.status,
      err.code ?? `HTTP_${res.status}`,
      err.message ?? `HTTP ${res.status}`,
      err.details,
    );
    if (res.status === 401 && token === session.token && session.token) {
      error.handled = true;
      signOut(
        '您的令牌已失效或被撤销，请重新粘贴。 Your token was refused (invalid, expired or revoked): paste a valid one.',
      );
    }
    throw error;
  }
  return { status: res.status, data, headers: res.headers };
}

/** A v4 UUID; crypto.randomUUID exists only on https or localhost, getRandomValues everywhere. */
function newIdempotencyKey() {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 0x0f) | 0x40;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/**
 * Idempotency keys of submissions that have not succeeded yet, by form. Retrying the same
 * submission (same request) reuses its key, so a command that did land the first time (say the
 * answer was lost to a 503) is not applied twice; a changed submission, or a success, starts afresh.
 */
const pendingKeys = new Map();

async function command(slot, method, path, body) {
  const fingerprint = `${method} ${path} ${JSON.stringify(body ?? null)}`;
  let pending = pendingKeys.get(slot);
  if (!pending || pending.fingerprint !== fingerprint) {
    pending = { fingerprint, key: newIdempotencyKey() };
    pendingKeys.set(slot, pending);
  }
  const result = await api(method, path, { body, idempotencyKey: pending.key });
  pendingKeys.delete(slot);
  session.lastCommandAt = Date.now();
  return result;
}

/** Shows an API error inside `box` (a .form-error element next to the form it belongs to). */
function showError(box, err) {
  if (!box) return;
  if (err && err.handled) return;
  const status = err instanceof ApiError ? err.status : 0;
  const code = err instanceof ApiError ? err.code : 'ERROR';
  const title = ERROR_TITLE[status] ?? ['出错了', 'Something went wrong'];
  const hint = ERROR_HINT[code];
  const parts = [h('p', { class: 'error-title' }, h('strong', null, bi(title)), ' ', h('code', null, code))];
  if (hint) parts.push(h('p', null, bi(hint)));
  parts.push(h('p', { class: 'error-message' }, err?.message ?? String(err)));
  const details = err instanceof ApiError ? err.details : undefined;
  // Input issues ({ path, message }), from the API's check and the workflow's alike.
  if (Array.isArray(details) && details.length > 0) {
    parts.push(
      h(
        'ul',
        null,
        details
          .slice(0, 10)
          .map((d) =>
            h('li', null, d && typeof d === 'object' ? `${d.path ?? ''}: ${d.message ?? ''}` : String(d)),
          ),
      ),
    );
  }
  const criteria = refusedCriteria(code, details);
  if (criteria.length > 0) {
    parts.push(
      h('p', null, '涉及的条件 · Criteria named: '),
      h(
        'ul',
        null,
        criteria.map((key) => h('li', null, criterionLabel(key))),
      ),
    );
  }
  box.replaceChildren(...parts);
  box.hidden = false;
  box.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
}

/** The criterion keys a refusal's typed details name (src/contracts/refusals.ts); never its message text. */
function refusedCriteria(code, details) {
  const keys =
    code === 'CRITERIA_NOT_MET'
      ? details?.missing
      : code === 'UNKNOWN_CRITERION'
        ? details?.unknown
        : undefined;
  return Array.isArray(keys) ? keys.filter((key) => typeof key === 'string') : [];
}

function errorBox() {
  return h('div', { class: 'form-error', role: 'alert', hidden: true });
}

/**
 * Wires a form: on submit, build the request with `run` (which calls command()), disable the
 * buttons meanwhile, and show any refusal in the form's own error box.
 */
function onSubmit(form, run) {
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const box = form.querySelector('.form-error');
    if (box) {
      box.hidden = true;
      box.replaceChildren();
    }
    const buttons = [...form.querySelectorAll('button')];
    buttons.forEach((b) => (b.disabled = true));
    form.classList.add('busy');
    try {
      await run(event.submitter ?? null);
    } catch (err) {
      showError(box, err);
    } finally {
      buttons.forEach((b) => (b.disabled = false));
      form.classList.remove('busy');
    }
  });
}

// ---- session ------------------------------------------------------------------------------------

function signOut(message) {
  localStorage.removeItem(TOKEN_KEY);
  session.token = null;
  session.me = null;
  session.users = new Map();
  pendingKeys.clear();
  stopPolling();
  document.getElementById('nav').hidden = true;
  document.getElementById('whoami').hidden = true;
  renderSignIn(message);
}

function renderSignIn(message) {
  const input = h('input', {
    id: 'token-input',
    name: 'token',
    type: 'password',
    autocomplete: 'off',
    spellcheck: 'false',
    required: true,
    placeholder: 'psm_…',
  });
  const box = errorBox();
  const form = h(
    'form',
    { class: 'card signin', id: 'signin-form' },
    h('h1', null, '登录 · Sign in'),
    h('p', null, '粘贴您的 API 令牌。令牌只保存在本浏览器中，点击“退出”即清除。'),
    h(
      'p',
      { class: 'muted' },
      'Paste your API token. It is kept in this browser only (localStorage) until you sign out.',
    ),
    message ? h('p', { class: 'notice' }, message) : null,
    field('API 令牌 · API token', input),
    box,
    h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, '登录 · Sign in')),
  );
  onSubmit(form, async () => {
    const token = input.value.trim();
    if (!token) return;
    try {
      await api('GET', '/api/me', { token });
    } catch (err) {
      if (err.status === 401) {
        throw new ApiError(
          401,
          err.code,
          '该令牌无效、已过期或已被撤销。 That token is invalid, expired or revoked.',
        );
      }
      throw err;
    }
    localStorage.setItem(TOKEN_KEY, token);
    await start();
  });
  main.replaceChildren(form);
  input.focus();
}

async function loadProcess() {
  if (session.process) return session.process;
  const res = await fetch('/process.json', { cache: 'no-cache' });
  if (!res.ok) throw new ApiError(res.status, 'PROCESS', 'could not load /process.json');
  session.process = await res.json();
  return session.process;
}

async function loadUsers() {
  try {
    const { data } = await api('GET', '/api/users');
    session.users = new Map(data.users.map((u) => [u.id, u]));
  } catch {
    // Names are a nicety: ids are shown instead.
  }
}

async function start() {
  session.token = localStorage.getItem(TOKEN_KEY);
  if (!session.token) return renderSignIn();
  main.replaceChildren(h('p', { class: 'muted' }, '加载中… Loading…'));
  try {
    const [{ data: me }] = await Promise.all([api('GET', '/api/me'), loadProcess()]);
    session.me = me;
    await loadUsers();
  } catch (err) {
    if (err.handled) return;
    return renderFailure(err, start);
  }
  document.getElementById('whoami-name').textContent =
    `${session.me.name} · ${label(USER_ROLE, session.me.role)}`;
  document.getElementById('whoami').hidden = false;
  document.getElementById('nav').hidden = false;
  void refreshApprovalCount();
  await route();
}

function renderFailure(err, retry) {
  const box = errorBox();
  main.replaceChildren(
    h(
      'div',
      { class: 'card' },
      box,
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: () => void retry() }, '重试 · Retry'),
      ),
    ),
  );
  showError(box, err);
}

async function refreshApprovalCount() {
  if (!session.token) return;
  const badgeEl = document.getElementById('approval-count');
  try {
    const { data } = await api('GET', '/api/approvals/pending');
    const n = data.approvals.filter((a) => !recentlyDecided.has(a.id)).length;
    badgeEl.textContent = String(n);
    badgeEl.hidden = n === 0;
  } catch {
    badgeEl.hidden = true;
  }
}

// ---- routing ------------------------------------------------------------------------------------

let routeSeq = 0;
let pollTimer = 0;

function stopPolling() {
  clearTimeout(pollTimer);
  pollTimer = 0;
}

/** Later renders win: an answer that arrives after the user moved on is dropped. */
const isCurrent = (seq) => seq === routeSeq && session.token !== null;

async function route() {
  if (!session.token || !session.me) return;
  stopPolling();
  const seq = ++routeSeq;
  const hash = location.hash.replace(/^#/, '') || '/';
  const deal = /^\/opportunities\/([^/?]+)/.exec(hash);
  let nav = 'deals';
  if (deal) {
    nav = '';
    await showDeal(decodeURIComponent(deal[1]), seq);
  } else if (hash.startsWith('/approvals')) {
    nav = 'approvals';
    await showApprovals(seq);
  } else if (hash.startsWith('/new')) {
    nav = 'new';
    showNewDeal();
  } else {
    await showDeals(seq);
  }
  for (const a of document.querySelectorAll('[data-nav]'))
    a.classList.toggle('active', a.dataset.nav === nav);
}

window.addEventListener('hashchange', () => void route());

// ---- My deals -----------------------------------------------------------------------------------

const listFilters = { milestone: '', status: '', stalled: '' };
const PAGE_SIZE = 50;

async function showDeals(seq) {
  const { process } = session;
  const onChange = (event) => {
    listFilters[event.target.name] = event.target.value;
    void reload();
  };
  const filters = h(
    'form',
    { class: 'filters', id: 'deal-filters', onsubmit: (e) => e.preventDefault() },
    field(
      '里程碑 · Milestone',
      select(
        'milestone',
        [['', '全部 · All'], ...process.milestones.map((m) => [m.key, biText(m.name)])],
        listFilters.milestone,
        { onchange: onChange },
      ),
    ),
    field(
      '状态 · Status',
      select(
        'status',
        [['', '全部 · All'], ...Object.keys(STATUS).map((k) => [k, label(STATUS, k)])],
        listFilters.status,
        { onchange: onChange },
      ),
    ),
    field(
      '停滞 · Stalled',
      select(
        'stalled',
        [
          ['', '全部 · All'],
          ['true', '仅停滞 · Stalled only'],
          ['false', '未停滞 · Not stalled'],
        ],
        listFilters.stalled,
        {
          onchange: onChange,
        },
      ),
    ),
    h('button', { type: 'button', class: 'refresh', onclick: () => void reload() }, '刷新 · Refresh'),
  );
  const summary = h('p', { class: 'summary muted' });
  const tableHost = h('div', { class: 'table-host' }, h('p', { class: 'muted' }, '加载中… Loading…'));
  const box = errorBox();
  main.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, '我的商机 · My deals'),
      h('a', { class: 'button primary', href: '#/new' }, '＋ 新建商机 · New deal'),
    ),
    h('div', { class: 'card' }, filters, box, summary, tableHost),
  );

  let limit = PAGE_SIZE;
  async function reload() {
    stopPolling();
    const query = new URLSearchParams({ limit: String(limit) });
    for (const [k, v] of Object.entries(listFilters)) if (v) query.set(k, v);
    try {
      const { data } = await api('GET', `/api/opportunities?${query}`);
      if (!isCurrent(seq)) return;
      box.hidden = true;
      renderDealTable(tableHost, summary, data, () => {
        limit += PAGE_SIZE;
        void reload();
      });
    } catch (err) {
      if (!isCurrent(seq)) return;
      showError(box, err);
    }
    if (!isCurrent(seq)) return;
    const fast = Date.now() - session.lastCommandAt < FAST_POLL_WINDOW_MS;
    pollTimer = setTimeout(
      () => {
        if (document.visibilityState === 'visible') void reload();
        else pollTimer = setTimeout(() => void reload(), SLOW_POLL_MS);
      },
      fast ? FAST_POLL_MS : SLOW_POLL_MS,
    );
  }
  await reload();
}

function renderDealTable(host, summary, data, loadMore) {
  const rows = data.opportunities;
  const byCurrency = new Map();
  for (const r of rows) {
    const t = byCurrency.get(r.currency) ?? { amount: 0, weighted: 0 };
    t.amount += r.amount;
    if (r.status === 'open' || r.status === 'on_hold') t.weighted += (r.amount * r.probability) / 100;
    byCurrency.set(r.currency, t);
  }
  const totals = [...byCurrency]
    .map(([cur, t]) => `${fmtAmount(t.amount, cur)}（加权 · weighted ${fmtAmount(t.weighted, cur)}）`)
    .join('；');
  summary.textContent = `${data.total} 个商机 · deals${rows.length < data.total ? `（显示 · showing ${rows.length}）` : ''}${totals ? ` — ${totals}` : ''}`;

  if (rows.length === 0) {
    host.replaceChildren(
      h(
        'div',
        { class: 'empty' },
        h('p', null, '没有符合条件的商机。 No deals match.'),
        h('a', { class: 'button', href: '#/new' }, '新建商机 · New deal'),
      ),
    );
    return;
  }
  const table = h(
    'table',
    { class: 'deals', id: 'deals-table' },
    h(
      'thead',
      null,
      h(
        'tr',
        null,
        [
          '商机 · Deal',
          '里程碑 · Milestone',
          '赢率 · Win %',
          '金额 · Amount',
          '阶段天数 · Days in stage',
          '状态 · Status',
        ].map((t) => h('th', null, t)),
      ),
    ),
    h(
      'tbody',
      null,
      rows.map((r) => {
        const m = milestoneDef(r.milestone);
        const href = `#/opportunities/${encodeURIComponent(r.id)}`;
        return h(
          'tr',
          { dataset: { id: r.id }, class: r.stalled ? 'stalled' : '' },
          h(
            'td',
            { 'data-label': '商机 · Deal' },
            h('a', { href, class: 'deal-link' }, r.name),
            h(
              'div',
              { class: 'muted small' },
              r.account,
              r.ownerId !== session.me.id ? ` · ${userName(r.ownerId)}` : '',
            ),
          ),
          h(
            'td',
            { 'data-label': '里程碑 · Milestone' },
            h('span', { class: 'step-no' }, `${r.milestoneIndex + 1}/${session.process.milestones.length}`),
            ' ',
            m ? biNode(m.name) : r.milestone,
          ),
          h('td', { 'data-label': '赢率 · Win %', class: 'num' }, `${r.probability}%`),
          h('td', { 'data-label': '金额 · Amount', class: 'num' }, fmtAmount(r.amount, r.currency)),
          h(
            'td',
            { 'data-label': '阶段天数 · Days in stage', class: 'num' },
            String(daysSince(r.stageEnteredAt)),
          ),
          h(
            'td',
            { 'data-label': '状态 · Status' },
            h(
              'div',
              { class: 'badges' },
              statusBadge(r.status),
              r.stalled ? badge('停滞 · Stalled', 'warn') : null,
              r.escalationLevel > 0 ? badge(`已升级 L${r.escalationLevel} · Escalated`, 'danger') : null,
              r.noSponsorWarning ? badge('无支持者 · No sponsor', 'warn') : null,
            ),
          ),
        );
      }),
    ),
  );
  host.replaceChildren(table);
  if (rows.length < data.total) {
    host.append(
      h(
        'div',
        { class: 'actions' },
        h('button', { type: 'button', onclick: loadMore }, '加载更多 · Load more'),
      ),
    );
  }
}

// ---- New deal -----------------------------------------------------------------------------------

function showNewDeal() {
  const { me } = session;
  const owners = [...session.users.values()].filter((u) => u.active && u.id !== me.id);
  const box = errorBox();
  const form = h(
    'form',
    { class: 'card form-grid', id: 'new-deal-form' },
    field(
      '商机名称 · Deal name',
      h('input', { name: 'name', required: true, maxlength: 200, autocomplete: 'off' }),
    ),
    field('客户 · Account', h('input', { name: 'account', required: true, maxlength: 200 })),
    field(
      '金额 · Amount',
      h('input', {
        name: 'amount',
        type: 'number',
        min: 0,
        step: 'any',
        required: true,
        inputmode: 'decimal',
      }),
    ),
    field(
      '币种 · Currency',
      h('input', {
        name: 'currency',
        value: 'CNY',
        pattern: '[A-Z]{3}',
        maxlength: 3,
        required: true,
        list: 'currencies',
      }),
      'ISO 4217, e.g. CNY / USD / EUR',
    ),
    h(
      'datalist',
      { id: 'currencies' },
      ['CNY', 'USD', 'EUR', 'HKD', 'JPY'].map((c) => h('option', { value: c })),
    ),
    field('预计签约日期 · Expected close date', h('input', { name: 'expectedCloseDate', type: 'date' })),
    me.role !== 'rep' && owners.length > 0
      ? field(
          '负责人 · Owner',
          select(
            'ownerId',
            [
              [me.id, `${me.name}（我 · me）`],
              ...owners.map((u) => [u.id, `${u.name} · ${label(USER_ROLE, u.role)}`]),
            ],
            me.id,
          ),
        )
      : null,
    box,
    h(
      'div',
      { class: 'actions' },
      h('button', { type: 'submit', class: 'primary' }, '创建商机 · Create deal'),
      h('a', { class: 'button', href: '#/' }, '取消 · Cancel'),
    ),
  );
  onSubmit(form, async () => {
    const f = new FormData(form);
    const body = {
      name: String(f.get('name') ?? '').trim(),
      account: String(f.get('account') ?? '').trim(),
      amount: Number(f.get('amount')),
      currency: String(f.get('currency') ?? '')
        .trim()
        .toUpperCase(),
    };
    const close = String(f.get('expectedCloseDate') ?? '');
    if (close) body.expectedCloseDate = close;
    const owner = f.get('ownerId');
    if (owner && owner !== me.id) body.ownerId = String(owner);
    const { data } = await command('new-deal', 'POST', '/api/opportunities', body);
    toast(`已创建 · Created: ${data.name}`);
    location.hash = `#/opportunities/${encodeURIComponent(data.id)}`;
  });
  main.replaceChildren(h('div', { class: 'page-head' }, h('h1', null, '新建商机 · New deal')), form);
  form.querySelector('input[name=name]').focus();
}

// ---- Approvals waiting for me -------------------------------------------------------------------

/** Decided here a moment ago; the read model may still list them as pending for a second. */
const recentlyDecided = new Set();

async function showApprovals(seq) {
  const box = errorBox();
  const host = h('div', { class: 'approvals' }, h('p', { class: 'muted' }, '加载中… Loading…'));
  main.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('h1', null, '待我审批 · Approvals waiting for me'),
      h('button', { type: 'button', class: 'refresh', onclick: () => void route() }, '刷新 · Refresh'),
    ),
    box,
    host,
  );
  let approvals;
  try {
    ({
      data: { approvals },
    } = await api('GET', '/api/approvals/pending'));
  } catch (err) {
    if (isCurrent(seq)) showError(box, err);
    return;
  }
  if (!isCurrent(seq)) return;
  approvals = approvals.filter((a) => !recentlyDecided.has(a.id));
  const badgeEl = document.getElementById('approval-count');
  badgeEl.textContent = String(approvals.length);
  badgeEl.hidden = approvals.length === 0;
  if (approvals.length === 0) {
    host.replaceChildren(
      h('div', { class: 'card empty' }, h('p', null, '没有等待您审批的事项。 Nothing is waiting for you.')),
    );
    return;
  }
  host.replaceChildren(...approvals.map((a) => approvalCard(a)));
}

function approvalCard(a) {
  const card = h(
    'article',
    { class: 'card approval', dataset: { approvalId: a.id } },
    h(
      'div',
      { class: 'approval-head' },
      h(
        'h2',
        null,
        h('a', { href: `#/opportunities/${encodeURIComponent(a.opportunityId)}` }, a.opportunityName),
      ),
      badge(label(APPROVAL_KIND, a.kind), 'info'),
    ),
    h(
      'dl',
      { class: 'facts' },
      fact('客户 · Account', a.account),
      a.milestone ? fact('里程碑 · Milestone', milestoneName(a.milestone)) : null,
      a.amount !== null ? fact('折扣金额 · Discount', Number(a.amount).toLocaleString('zh-CN')) : null,
      fact('申请人 · Requested by', userName(a.requestedById)),
      fact('申请时间 · Requested', `${fmtDateTime(a.requestedAt)}（${daysSince(a.requestedAt)} 天 · days）`),
    ),
    a.reason ? h('blockquote', { class: 'reason' }, a.reason) : null,
  );
  card.append(
    decisionForm(a.opportunityId, a.id, () => {
      recentlyDecided.add(a.id);
      card.replaceWith(h('p', { class: 'card done' }, `已处理 · Decided: ${a.opportunityName}`));
      void refreshApprovalCount();
    }),
  );
  return card;
}

function decisionForm(opportunityId, approvalId, onDone) {
  const box = errorBox();
  const form = h(
    'form',
    { class: 'decision', id: `decide-${approvalId}` },
    field(
      '意见（可选） · Comment (optional)',
      h('input', { name: 'comment', maxlength: 2000, autocomplete: 'off' }),
    ),
    box,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'submit', class: 'primary', name: 'decision', value: 'approved' },
        '批准 · Approve',
      ),
      h('button', { type: 'submit', class: 'danger', name: 'decision', value: 'rejected' }, '驳回 · Reject'),
    ),
  );
  onSubmit(form, async (submitter) => {
    const decision = submitter?.value === 'rejected' ? 'rejected' : 'approved';
    const comment = String(new FormData(form).get('comment') ?? '').trim();
    const body = { decision, ...(comment ? { comment } : {}) };
    await command(
      form.id,
      'POST',
      `/api/opportunities/${encodeURIComponent(opportunityId)}/approvals/${encodeURIComponent(approvalId)}/decision`,
      body,
    );
    toast(decision === 'approved' ? '已批准 · Approved' : '已驳回 · Rejected');
    await onDone(decision);
  });
  return form;
}

function fact(term, value) {
  return h('div', { class: 'fact' }, h('dt', null, term), h('dd', null, value));
}

// ---- Deal view ----------------------------------------------------------------------------------

async function showDeal(id, seq) {
  main.replaceChildren(h('p', { class: 'muted' }, '加载中… Loading…'));
  let deal;
  try {
    ({ data: deal } = await api('GET', `/api/opportunities/${encodeURIComponent(id)}`));
  } catch (err) {
    if (!isCurrent(seq) || err.handled) return;
    const box = errorBox();
    main.replaceChildren(
      h(
        'div',
        { class: 'card' },
        box,
        h(
          'div',
          { class: 'actions' },
          h('a', { class: 'button', href: '#/' }, '返回列表 · Back to my deals'),
        ),
      ),
    );
    showError(box, err);
    return;
  }
  if (!isCurrent(seq)) return;
  renderDeal(deal, seq);
}

/** Re-reads the deal and re-renders it, keeping what the user typed in the other forms. */
async function refreshDeal(id, seq, submittedFormId) {
  const { data } = await api('GET', `/api/opportunities/${encodeURIComponent(id)}`);
  if (!isCurrent(seq)) return;
  const typed = snapshotForms(submittedFormId);
  renderDeal(data, seq);
  restoreForms(typed);
}

/** What the user changed (not defaults) in each form but the one just submitted. */
function snapshotForms(exceptId) {
  const saved = new Map();
  for (const form of main.querySelectorAll('form[id]')) {
    if (form.id === exceptId) continue;
    const values = [];
    for (const el of form.elements) {
      if (!el.name || el.type === 'submit' || el.type === 'button') continue;
      if (el.type === 'checkbox' || el.type === 'radio') {
        if (el.checked !== el.defaultChecked)
          values.push({ name: el.name, option: el.value, checked: el.checked });
      } else if (el.tagName === 'SELECT') {
        if (!el.selectedOptions[0]?.defaultSelected) values.push({ name: el.name, value: el.value });
      } else if (el.value !== el.defaultValue) {
        values.push({ name: el.name, value: el.value });
      }
    }
    if (values.length > 0) saved.set(form.id, values);
  }
  return saved;
}

function restoreForms(saved) {
  for (const [id, values] of saved) {
    const form = document.getElementById(id);
    if (!form) continue;
    for (const saved of values) {
      for (const el of form.elements) {
        if (el.name !== saved.name) continue;
        if ('option' in saved) {
          if (el.value === saved.option) el.checked = saved.checked;
        } else if (el.tagName !== 'SELECT' || [...el.options].some((o) => o.value === saved.value)) {
          el.value = saved.value;
          // Shows or hides the fields that depend on this one (e.g. the approval kind).
          el.dispatchEvent(new Event('change'));
        }
      }
    }
  }
}

function renderDeal(deal, seq) {
  const done = (formId, message) => async () => {
    toast(message);
    await refreshDeal(deal.id, seq, formId);
  };
  const next = deal.milestones.find((m) => m.key === deal.nextMilestone) ?? null;
  const current = deal.milestones[deal.milestoneIndex];

  const header = h(
    'section',
    { class: 'card deal-head' },
    h(
      'div',
      { class: 'deal-title' },
      h('div', null, h('h1', { id: 'deal-name' }, deal.name), h('p', { class: 'muted' }, deal.account)),
      h(
        'div',
        { class: 'badges' },
        statusBadge(deal.status),
        deal.stalled ? badge('停滞 · Stalled', 'warn') : null,
        deal.escalationLevel > 0 ? badge(`已升级 L${deal.escalationLevel} · Escalated`, 'danger') : null,
        deal.noSponsorWarning ? badge('无支持者，无销售 · No sponsor, no sale', 'warn') : null,
      ),
    ),
    h(
      'dl',
      { class: 'facts inline' },
      fact('金额 · Amount', fmtAmount(deal.amount, deal.currency)),
      fact('赢率 · Win %', `${deal.probability}%`),
      fact(
        '当前里程碑 · Current milestone',
        deal.reachedIndex < 0
          ? `${milestoneName(current.key)}（申请中 · applying）`
          : milestoneName(current.key),
      ),
      fact('阶段天数 · Days in stage', String(deal.daysInStage)),
      fact('最近活动 · Last activity', deal.lastActivityAt ? fmtDateTime(deal.lastActivityAt) : '—'),
      fact('预计签约 · Expected close', fmtDate(deal.expectedCloseDate)),
      fact('负责人 · Owner', userName(deal.ownerId)),
    ),
    deal.holdReason ? h('p', { class: 'notice' }, `暂停原因 · On hold: ${deal.holdReason}`) : null,
    deal.lostReason ? h('p', { class: 'notice danger' }, `丢单原因 · Lost: ${deal.lostReason}`) : null,
    stepper(deal),
  );

  const left = h(
    'div',
    { class: 'col' },
    nextMilestoneCard(deal, next, done),
    deal.execution.open
      ? checklistCard(deal, deal.execution.key, deal.execution.name, deal.execution.checklist, true, done)
      : null,
    activityCard(deal, done),
    approvalRequestCard(deal, next, done),
    outcomeCard(deal, done),
  );
  const right = h(
    'div',
    { class: 'col' },
    approvalsCard(deal, done),
    timersCard(deal),
    checklistsCard(deal, next, done),
    stakeholdersCard(deal, done),
    historyCard(deal),
  );
  main.replaceChildren(
    h(
      'div',
      { class: 'page-head' },
      h('a', { href: '#/', class: 'back' }, '← 我的商机 · My deals'),
      h(
        'button',
        {
          type: 'button',
          class: 'refresh',
          onclick: () => void refreshDeal(deal.id, seq, null).catch(() => void route()),
        },
        '刷新 · Refresh',
      ),
    ),
    header,
    h('div', { class: 'deal-grid' }, left, right),
  );
}

function stepper(deal) {
  return h(
    'ol',
    { class: 'stepper', 'aria-label': '里程碑 · Milestones' },
    deal.milestones.map((m) =>
      h(
        'li',
        {
          class: `step ${m.progress}`,
          title: m.reachedAt ? `${biText(m.name)} — ${fmtDateTime(m.reachedAt)}` : biText(m.name),
        },
        h(
          'span',
          { class: 'step-no' },
          m.progress === 'reached' ? '✓' : m.progress === 'skipped' ? '↷' : String(m.index + 1),
        ),
        biNode(m.name),
        h('span', { class: 'step-pct' }, `${m.winPct}%`),
      ),
    ),
  );
}

function nextMilestoneCard(deal, next, done) {
  if (!next) {
    return h(
      'section',
      { class: 'card' },
      h('h2', null, '里程碑 · Milestones'),
      h(
        'p',
        null,
        deal.status === 'won'
          ? '合同已签订，商机已赢单。 The contract is signed: the deal is won.'
          : '没有下一个里程碑。 No milestone left.',
      ),
    );
  }
  const rule =
    next.rule === 'all' ? ['须全部满足', 'all are required'] : ['满足任一即可', 'any one is enough'];
  const gate = next.approvalGate;
  const box = errorBox();
  const form = h(
    'form',
    { class: 'complete', id: `complete-${next.key}` },
    h(
      'fieldset',
      null,
      h('legend', null, `达成条件（${bi(rule)}） · Entry criteria`),
      next.criteria.map((c) =>
        h(
          'label',
          { class: 'check' },
          h('input', { type: 'checkbox', name: 'criteria', value: c.key }),
          biNode(c.label),
        ),
      ),
    ),
    gate
      ? h(
          'p',
          { class: `gate gate-${gate.status ?? 'none'}` },
          h('strong', null, biText(gate.label)),
          ' — ',
          gate.status ? label(APPROVAL_STATUS, gate.status) : '尚未申请 · not requested yet',
        )
      : null,
    field(
      '证据说明 · Evidence',
      h('textarea', {
        name: 'evidence',
        rows: 3,
        maxlength: 5000,
        placeholder: '会议纪要、邮件、客户确认… Minutes, emails, customer confirmation…',
      }),
    ),
    field(
      '链接（每行一个，可选） · Links (one per line, optional)',
      h('textarea', { name: 'links', rows: 2, placeholder: 'https://…' }),
    ),
    box,
    h(
      'div',
      { class: 'actions' },
      h(
        'button',
        { type: 'submit', class: 'primary', disabled: deal.status !== 'open' },
        `完成「${next.name.zh}」 · Complete ${next.name.en}`,
      ),
    ),
  );
  onSubmit(form, async () => {
    const f = new FormData(form);
    const links = String(f.get('links') ?? '')
      .split(/\s+/)
      .map((s) => s.trim())
      .filter(Boolean);
    const body = {
      milestone: next.key,
      criteriaMet: f.getAll('criteria').map(String),
      evidence: String(f.get('evidence') ?? '').trim(),
      ...(links.length > 0 ? { links } : {}),
    };
    await command(form.id, 'POST', `/api/opportunities/${encodeURIComponent(deal.id)}/milestones`, body);
    await done(form.id, `已完成 · Completed: ${biText(next.name)}`)();
  });
  const gateAction =
    gate && deal.status === 'open' && gate.status !== 'approved' && gate.status !== 'pending'
      ? quickGateRequest(deal, next, done)
      : null;
  return h(
    'section',
    { class: 'card', id: 'next-milestone' },
    h('h2', null, '下一里程碑 · Next milestone: ', biNode(next.name)),
    h(
      'p',
      { class: 'muted small' },
      `买方阶段 · Buyer stage: ${biText(next.buyerStage)} · 赢率 · win ${next.winPct}%`,
    ),
    deal.status !== 'open'
      ? h(
          'p',
          { class: 'notice' },
          `${label(STATUS, deal.status)}：不能推进里程碑 · milestones cannot be completed now`,
        )
      : null,
    gateAction,
    form,
  );
}

function quickGateRequest(deal, next, done) {
  const box = errorBox();
  const form = h(
    'form',
    { class: 'quick-gate', id: `gate-${next.key}` },
    h(
      'p',
      null,
      `此里程碑需要公司批准 · This milestone needs company approval: ${biText(next.approvalGate.label)}`,
    ),
    field('申请理由 · Reason', h('input', { name: 'reason', required: true, maxlength: 2000 })),
    box,
    h('div', { class: 'actions' }, h('button', { type: 'submit' }, '申请审批 · Request approval')),
  );
  onSubmit(form, async () => {
    const reason = String(new FormData(form).get('reason') ?? '').trim();
    await command(form.id, 'POST', `/api/opportunities/${encodeURIComponent(deal.id)}/approvals`, {
      kind: 'milestone_gate',
      milestone: next.key,
      reason,
    });
    await done(form.id, '已提交审批申请 · Approval requested')();
  });
  return form;
}

function activityCard(deal, done) {
  const box = errorBox();
  const form = h(
    'form',
    { class: 'form-grid', id: 'activity-form' },
    field(
      '类型 · Kind',
      select(
        'kind',
        Object.keys(ACTIVITY_KIND).map((k) => [k, label(ACTIVITY_KIND, k)]),
        'visit',
      ),
    ),
    field(
      '时间 · When',
      h('input', { name: 'occurredAt', type: 'datetime-local', value: localNowInput(), required: true }),
    ),
    h(
      'div',
      { class: 'span' },
      field('记录 · Note', h('textarea', { name: 'note', rows: 3, required: true, maxlength: 5000 })),
    ),
    h('div', { class: 'span' }, box),
    h(
      'div',
      { class: 'actions span' },
      h('button', { type: 'submit', class: 'primary' }, '记录活动 · Log activity'),
    ),
  );
  onSubmit(form, async () => {
    const f = new FormData(form);
    const when = new Date(String(f.get('occurredAt') ?? ''));
    const body = {
      kind: String(f.get('kind')),
      occurredAt: Number.isNaN(when.getTime()) ? String(f.get('occurredAt') ?? '') : when.toISOString(),
      note: String(f.get('note') ?? '').trim(),
    };
    await command(form.id, 'POST', `/api/opportunities/${encodeURIComponent(deal.id)}/activities`, body);
    form.reset();
    await done(form.id, '已记录活动 · Activity logged')();
  });
  return h('section', { class: 'card' }, h('h2', null, '记录活动 · Log an activity'), form);
}

function approvalRequestCard(deal, next, done) {
  if (deal.status !== 'open') return null;
  const unreached = deal.milestones.filter((m) => m.index > deal.reachedIndex);
  const box = errorBox();
  const amountField = field(
    '折扣金额 · Discount amount',
    h('input', { name: 'amount', type: 'number', min: 0, step: 'any' }),
  );
  const milestoneField = field(
    '里程碑 · Milestone',
    select(
      'milestone',
      unreached.map((m) => [m.key, biText(m.name)]),
      next?.key ?? '',
    ),
  );
  const kindSelect = select(
    'kind',
    Object.keys(APPROVAL_KIND).map((k) => [k, label(APPROVAL_KIND, k)]),
    'milestone_gate',
  );
  const sync = () => {
    const discount = kindSelect.value === 'discount';
    amountField.hidden = !discount;
    milestoneField.hidden = discount;
  };
  kindSelect.addEventListener('change', sync);
  const form = h(
    'form',
    { class: 'form-grid', id: 'approval-request-form' },
    field('类型 · Kind', kindSelect),
    milestoneField,
    amountField,
    h(
      'div',
      { class: 'span' },
      field('理由 · Reason', h('textarea', { name: 'reason', rows: 2, required: true, maxlength: 2000 })),
    ),
    h('div', { class: 'span' }, box),
    h('div', { class: 'actions span' }, h('button', { type: 'submit' }, '提交审批申请 · Request approval')),
  );
  sync();
  onSubmit(form, async () => {
    const f = new FormData(form);
    const kind = String(f.get('kind'));
    const body = { kind, reason: String(f.get('reason') ?? '').trim() };
    if (kind === 'discount') body.amount = Number(f.get('amount'));
    else body.milestone = String(f.get('milestone'));
    await command(form.id, 'POST', `/api/opportunities/${encodeURIComponent(deal.id)}/approvals`, body);
    form.reset();
    await done(form.id, '已提交审批申请 · Approval requested')();
  });
  return h(
    'section',
    { class: 'card' },
    h('h2', null, '申请审批 · Request an approval'),
    h(
      'p',
      { class: 'muted small' },
      '里程碑审批、跳过里程碑或折扣。 A milestone gate, skipping a milestone, or a discount.',
    ),
    form,
  );
}

function outcomeCard(deal, done) {
  const base = `/api/opportunities/${encodeURIComponent(deal.id)}`;
  const reasonForm = (id, path, buttonText, cls, message) => {
    const box = errorBox();
    const form = h(
      'form',
      { class: 'inline-form', id },
      field(
        '原因 · Reason',
        h('input', { name: 'reason', required: true, maxlength: 2000, autocomplete: 'off' }),
      ),
      h('button', { type: 'submit', class: cls }, buttonText),
      box,
    );
    onSubmit(form, async () => {
      const reason = String(new FormData(form).get('reason') ?? '').trim();
      await command(id, 'POST', `${base}/${path}`, { reason });
      await done(id, message)();
    });
    return form;
  };
  const forms = [];
  if (deal.status === 'open')
    forms.push(reasonForm('hold-form', 'hold', '暂停 · Put on hold', '', '已暂停 · On hold'));
  if (deal.status === 'on_hold') {
    const box = errorBox();
    const form = h(
      'form',
      { class: 'inline-form', id: 'resume-form' },
      h('button', { type: 'submit', class: 'primary' }, '恢复 · Resume'),
      box,
    );
    onSubmit(form, async () => {
      await command(form.id, 'POST', `${base}/resume`, {});
      await done(form.id, '已恢复 · Resumed')();
    });
    forms.push(form);
  }
  if (deal.status === 'open' || deal.status === 'on_hold')
    forms.push(reasonForm('lost-form', 'lost', '标记丢单 · Mark lost', 'danger', '已标记丢单 · Marked lost'));
  if (deal.status === 'lost')
    forms.push(reasonForm('reopen-form', 'reopen', '重新打开 · Reopen', 'primary', '已重新打开 · Reopened'));
  if (forms.length === 0) return null;
  return h('section', { class: 'card' }, h('h2', null, '商机状态 · Outcome'), forms);
}

function mayDecide(deal, approval) {
  const { me } = session;
  if (me.role === 'admin' || me.id === approval.approverId) return true;
  const chain = deal.reportingLine?.chain ?? [];
  const approverRank = chain.indexOf(approval.approverId);
  return approverRank >= 0 && chain.indexOf(me.id) > approverRank;
}

function approvalsCard(deal, done) {
  if (deal.approvals.length === 0) {
    return h(
      'section',
      { class: 'card' },
      h('h2', null, '审批 · Approvals'),
      h('p', { class: 'muted' }, '暂无审批。 No approvals yet.'),
    );
  }
  // Pending first, then newest first (sort is stable).
  const ordered = [...deal.approvals]
    .reverse()
    .sort((a, b) => Number(b.status === 'pending') - Number(a.status === 'pending'));
  return h(
    'section',
    { class: 'card', id: 'deal-approvals' },
    h('h2', null, '审批 · Approvals'),
    h(
      'ul',
      { class: 'plain' },
      ordered.map((a) =>
        h(
          'li',
          { class: `approval-item status-${a.status}`, dataset: { approvalId: a.id } },
          h(
            'div',
            { class: 'row' },
            h('strong', null, label(APPROVAL_KIND, a.kind)),
            a.milestone ? ` — ${milestoneName(a.milestone)}` : '',
            a.amount !== null ? ` — ${fmtAmount(a.amount, deal.currency)}` : '',
            ' ',
            badge(label(APPROVAL_STATUS, a.status), `approval-${a.status}`),
          ),
          h(
            'p',
            { class: 'muted small' },
            `${userName(a.requestedById)} → ${userName(a.approverId)} · ${fmtDateTime(a.requestedAt)}`,
            a.decidedAt
              ? ` · 决定 · decided ${fmtDateTime(a.decidedAt)}${a.decidedById ? ` (${userName(a.decidedById)})` : ''}`
              : '',
            a.chaseLevel > 0 ? ` · ${a.chaseLevel === 1 ? '已提醒 · reminded' : '已升级 · escalated'}` : '',
          ),
          a.reason ? h('p', { class: 'reason' }, a.reason) : null,
          a.comment ? h('p', { class: 'comment' }, `意见 · Comment: ${a.comment}`) : null,
          a.status === 'pending' &&
            mayDecide(deal, a) &&
            (deal.status === 'open' || deal.status === 'on_hold')
            ? decisionForm(deal.id, a.id, done(`decide-${a.id}`, '已处理 · Decided'))
            : null,
        ),
      ),
    ),
  );
}

function timersCard(deal) {
  let body;
  if (deal.status === 'on_hold')
    body = h('p', { class: 'muted' }, '商机暂停中，所有计时已暂停。 On hold: every clock is paused.');
  else if (deal.timers.length === 0) body = h('p', { class: 'muted' }, '没有计时器。 No clocks running.');
  else {
    body = h(
      'ul',
      { class: 'plain timers' },
      deal.timers.map((t) =>
        h(
          'li',
          null,
          h('strong', null, label(TIMER_KIND, t.kind)),
          t.level > 0 ? ` → ${t.level === 1 ? '经理 · manager' : '总监 · director'}` : '',
          h('span', { class: 'muted small' }, ` ${fmtDateTime(t.dueAt)}（${relativeDue(t.dueAt)}）`),
        ),
      ),
    );
  }
  return h('section', { class: 'card' }, h('h2', null, '下一步提醒 · Next reminders'), body);
}

function checklistsCard(deal, next, done) {
  const focus = next?.key ?? deal.milestones[deal.milestoneIndex]?.key;
  return h(
    'section',
    { class: 'card' },
    h('h2', null, '工作清单 · Checklists'),
    deal.milestones.map((m) =>
      checklistBlock(deal, m.key, m.name, m.checklist, m.key === focus, done, m.progress),
    ),
  );
}

function checklistCard(deal, key, name, items, open, done) {
  return h(
    'section',
    { class: 'card' },
    h('h2', null, '合同执行 · Contract execution'),
    checklistBlock(deal, key, name, items, open, done, 'next'),
  );
}

function checklistBlock(deal, stepKey, name, items, open, done, progress) {
  const doneCount = items.filter((i) => i.done).length;
  const box = errorBox();
  const editable =
    stepKey === session.process.execution.key
      ? deal.status === 'won'
      : deal.status === 'open' || deal.status === 'on_hold';
  return h(
    'details',
    { class: `checklist ${progress}`, open, dataset: { step: stepKey } },
    h('summary', null, biNode(name), h('span', { class: 'muted small' }, ` ${doneCount}/${items.length}`)),
    h(
      'ul',
      { class: 'plain' },
      items.map((item) => {
        const input = h('input', {
          type: 'checkbox',
          checked: item.done,
          disabled: !editable,
          dataset: { item: item.key },
        });
        input.addEventListener('change', async () => {
          input.disabled = true;
          box.hidden = true;
          try {
            await command(
              `check-${stepKey}-${item.key}`,
              'PUT',
              `/api/opportunities/${encodeURIComponent(deal.id)}/checklist/${encodeURIComponent(stepKey)}/${encodeURIComponent(item.key)}`,
              { done: input.checked },
            );
            await done(null, input.checked ? '已勾选 · Ticked' : '已取消勾选 · Unticked')();
          } catch (err) {
            input.checked = !input.checked;
            input.disabled = false;
            showError(box, err);
          }
        });
        return h(
          'li',
          null,
          h('label', { class: 'check' }, input, biNode(item.label)),
          item.done && item.at ? h('span', { class: 'muted small' }, ` ${fmtDate(item.at)}`) : null,
        );
      }),
    ),
    box,
  );
}

function stakeholdersCard(deal, done) {
  const box = errorBox();
  const editable = deal.status === 'open' || deal.status === 'on_hold';
  const form = editable
    ? h(
        'form',
        { class: 'form-grid', id: 'stakeholder-form' },
        field('姓名 · Name', h('input', { name: 'name', required: true, maxlength: 200 })),
        field('职务 · Title', h('input', { name: 'title', maxlength: 200 })),
        field(
          '角色 · Role',
          select(
            'role',
            Object.keys(ROLE).map((k) => [k, label(ROLE, k)]),
            'decision_maker',
          ),
        ),
        field(
          '态度 · Stance',
          select(
            'stance',
            Object.keys(STANCE).map((k) => [k, label(STANCE, k)]),
            'neutral',
          ),
        ),
        h('div', { class: 'span' }, box),
        h('div', { class: 'actions span' }, h('button', { type: 'submit' }, '添加干系人 · Add stakeholder')),
      )
    : null;
  if (form) {
    onSubmit(form, async () => {
      const f = new FormData(form);
      const title = String(f.get('title') ?? '').trim();
      const body = {
        name: String(f.get('name') ?? '').trim(),
        role: String(f.get('role')),
        stance: String(f.get('stance')),
        ...(title ? { title } : {}),
      };
      await command(form.id, 'POST', `/api/opportunities/${encodeURIComponent(deal.id)}/stakeholders`, body);
      form.reset();
      await done(form.id, '已保存干系人 · Stakeholder saved')();
    });
  }
  return h(
    'section',
    { class: 'card' },
    h('h2', null, '干系人 · Stakeholders'),
    deal.stakeholders.length === 0
      ? h('p', { class: 'muted' }, '尚未记录干系人。 No stakeholders yet.')
      : h(
          'ul',
          { class: 'plain stakeholders' },
          deal.stakeholders.map((s) =>
            h(
              'li',
              null,
              h('strong', null, s.name),
              s.title ? h('span', { class: 'muted' }, ` · ${s.title}`) : null,
              ' ',
              badge(label(ROLE, s.role), 'info'),
              ' ',
              badge(label(STANCE, s.stance), `stance-${s.stance}`),
            ),
          ),
        ),
    form ? h('details', null, h('summary', null, '添加 · Add'), form) : null,
  );
}

function describeEvent(e) {
  const p = e.payload ?? {};
  switch (e.type) {
    case 'milestone_reached':
      return `${milestoneName(p.milestone)}${p.skipped ? '（跳过 · skipped）' : ''}`;
    case 'evidence_recorded':
      return [
        `${milestoneName(p.milestone)}：${(p.criteriaMet ?? []).map(criterionLabel).join('；')}`,
        p.evidence ? h('blockquote', null, String(p.evidence)) : null,
      ];
    case 'activity_logged':
      return [
        `${label(ACTIVITY_KIND, p.kind)} · ${fmtDateTime(p.occurredAt)}`,
        p.note ? h('blockquote', null, String(p.note)) : null,
      ];
    case 'approval_requested':
      return `${label(APPROVAL_KIND, p.kind)}${p.milestone ? ` — ${milestoneName(p.milestone)}` : ''} → ${userName(p.approverId)}${p.reason ? `：${p.reason}` : ''}`;
    case 'approval_decided':
      return `${label(APPROVAL_STATUS, p.decision)}${p.comment ? `：${p.comment}` : ''}`;
    case 'escalation_sent':
    case 'escalation_skipped':
      return [
        `${label(TIMER_KIND, p.kind)}${p.level ? ` L${p.level}` : ''}${p.milestone ? ` — ${milestoneName(p.milestone)}` : ''}`,
        Array.isArray(p.recipientIds) && p.recipientIds.length > 0
          ? ` → ${p.recipientIds.map((id) => userName(String(id))).join('、')}`
          : '',
        p.reason ? `：${p.reason}` : '',
      ];
    case 'notification_sent':
    case 'notification_possibly_duplicated':
      return `${label(NOTIFICATION, p.template)} → ${p.recipientId ? userName(String(p.recipientId)) : '—'}`;
    case 'approval_rerouted':
      return `${userName(String(p.fromApproverId))} → ${userName(String(p.toApproverId))}（${label(REROUTE_REASON, p.reason)}）`;
    case 'approval_voided':
      return `${userName(String(p.approverId))}（${label(REROUTE_REASON, p.reason)}）`;
    case 'sla_breached':
      return milestoneName(p.milestone);
    case 'reporting_line_changed': {
      const chain = (ids) =>
        Array.isArray(ids) && ids.length > 0 ? ids.map((id) => userName(String(id))).join(' → ') : '—';
      return `${chain(p.from)} ⇒ ${chain(p.to)}`;
    }
    case 'lost':
    case 'on_hold':
    case 'reopened':
      return p.reason ? String(p.reason) : '';
    case 'checklist_ticked': {
      const step =
        p.milestone === session.process.execution.key ? session.process.execution : milestoneDef(p.milestone);
      const item = step?.checklist.find((i) => i.key === p.item);
      return `${p.done ? '☑' : '☐'} ${item ? biText(item.label) : p.item}`;
    }
    case 'stakeholder_upserted':
      return `${p.name} · ${label(ROLE, p.role)} · ${label(STANCE, p.stance)}`;
    case 'fields_updated':
      return Object.entries(p.changes ?? {})
        .map(([k, v]) => `${k}: ${v?.from ?? '—'} → ${v?.to ?? '—'}`)
        .join('；');
    default:
      return Object.entries(p)
        .filter(([, v]) => v === null || ['string', 'number', 'boolean'].includes(typeof v))
        .map(([k, v]) => `${k}: ${v}`)
        .join(' · ');
  }
}

function historyCard(deal) {
  const events = [...deal.events].reverse();
  return h(
    'section',
    { class: 'card' },
    h('h2', null, '历史 · History'),
    h(
      'ol',
      { class: 'history', id: 'history' },
      events.map((e) =>
        h(
          'li',
          { dataset: { type: e.type } },
          h(
            'div',
            { class: 'row' },
            h('strong', null, label(EVENT, e.type)),
            h(
              'span',
              { class: 'muted small' },
              ` ${fmtDateTime(e.occurredAt)}${e.actorId ? ` · ${userName(e.actorId)}` : ''}`,
            ),
          ),
          h('div', { class: 'event-body' }, describeEvent(e)),
        ),
      ),
    ),
  );
}

// ---- start --------------------------------------------------------------------------------------

document.getElementById('sign-out').addEventListener('click', () => signOut('已退出。 Signed out.'));
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible' && session.me) void refreshApprovalCount();
});
void start();
