// The demo organisation: a director, two managers, four reps (and an admin to run the place).
export const DEMO_USERS = [
  { key: 'admin', name: 'Admin 管理员', email: 'admin@demo.psm', role: 'admin', locale: 'en', manager: null },
  {
    key: 'director',
    name: '陈总 Chen (Director)',
    email: 'chen.director@demo.psm',
    role: 'director',
    locale: 'zh-CN',
    manager: null,
  },
  {
    key: 'managerEast',
    name: '李经理 Li (Manager East)',
    email: 'li.manager@demo.psm',
    role: 'manager',
    locale: 'zh-CN',
    manager: 'director',
  },
  {
    key: 'managerWest',
    name: 'Wendy Wang (Manager West)',
    email: 'wendy.manager@demo.psm',
    role: 'manager',
    locale: 'en',
    manager: 'director',
  },
  {
    key: 'repZhang',
    name: '张伟 Zhang Wei',
    email: 'zhang.rep@demo.psm',
    role: 'rep',
    locale: 'zh-CN',
    manager: 'managerEast',
  },
  {
    key: 'repLiu',
    name: '刘洋 Liu Yang',
    email: 'liu.rep@demo.psm',
    role: 'rep',
    locale: 'zh-CN',
    manager: 'managerEast',
  },
  {
    key: 'repSmith',
    name: 'Sam Smith',
    email: 'sam.rep@demo.psm',
    role: 'rep',
    locale: 'en',
    manager: 'managerWest',
  },
  {
    key: 'repZhao',
    name: '赵敏 Zhao Min',
    email: 'zhao.rep@demo.psm',
    role: 'rep',
    locale: 'zh-CN',
    manager: 'managerWest',
  },
] as const;

export type DemoUserKey = (typeof DEMO_USERS)[number]['key'];
