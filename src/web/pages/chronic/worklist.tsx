import { useEffect, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Button, Card, Segmented, Space, Table, Tag } from 'antd';
import { api } from '../../api/client';
import type { paths } from '../../api/schema';
import { useLang } from '../../i18n';
import { VISIT_CLASS_LABELS, type VisitClass } from '../../../modules/chronic/rules';

type Row = paths['/api/chronic/worklist']['get']['responses'][200]['content']['application/json']['items'][number];
type Status = Row['status'];
const STATUS: Record<Status, { zh: string; en: string; color: string }> = {
  overdue: { zh: '逾期', en: 'Overdue', color: 'red' }, due_this_week: { zh: '本周到期', en: 'Due this week', color: 'orange' },
  never_seen: { zh: '从未随访', en: 'Never seen', color: 'purple' }, scheduled: { zh: '已安排', en: 'Scheduled', color: 'default' },
};

/** The family-doctor team's worklist of programme patients, riskiest first. */
export function WorklistPage() {
  const { lang } = useLang();
  const zh = lang === 'zh';
  const nav = useNavigate();
  const [status, setStatus] = useState<Status | 'all'>('all');
  const [rows, setRows] = useState<Row[]>([]);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    setLoading(true);
    api.GET('/api/chronic/worklist', { params: { query: status === 'all' ? { limit: 500 } : { status, limit: 500 } } }).then((r) => {
      setRows(r.data?.items ?? []);
      setLoading(false);
    });
  }, [status]);
  return (
    <Card title={zh ? '慢病随访工作清单' : 'Follow-up worklist'} extra={<Button href={`/api/chronic/worklist.csv${status === 'all' ? '' : `?status=${status}`}`}>{zh ? '导出' : 'Export'}</Button>}>
      <Space style={{ marginBottom: 12 }}>
        <Segmented value={status} onChange={(v) => setStatus(v as Status | 'all')} options={[{ value: 'all', label: zh ? '待办' : 'To do' }, ...(['overdue', 'due_this_week', 'never_seen', 'scheduled'] as Status[]).map((s) => ({ value: s, label: STATUS[s][lang] }))]} />
      </Space>
      <Table<Row> rowKey={(r) => `${r.residentId}-${r.programme}`} loading={loading} dataSource={rows} size="small" pagination={{ pageSize: 20 }} data-testid="worklist"
        onRow={(r) => ({ onClick: () => nav(`/chronic/followup/${r.residentId}/${r.programme}`), style: { cursor: 'pointer' } })}
        columns={[
          { title: zh ? '姓名' : 'Name', dataIndex: 'name' },
          { title: zh ? '性别/年龄' : 'Sex/age', render: (_, r) => `${r.sex === 'M' ? (zh ? '男' : 'M') : zh ? '女' : 'F'} ${r.age}` },
          { title: zh ? '村' : 'Village', dataIndex: 'villageName' },
          { title: zh ? '项目' : 'Programme', render: (_, r) => (r.programme === 'hypertension' ? (zh ? '高血压' : 'Hypertension') : zh ? '糖尿病' : 'Diabetes') },
          { title: zh ? '上次随访' : 'Last visit', dataIndex: 'lastVisit', sorter: (a, b) => (a.lastVisit ?? '').localeCompare(b.lastVisit ?? '') },
          { title: zh ? '上次分类' : 'Last class', render: (_, r) => (r.lastClass ? <Tag color={r.lastClass === 'controlled' ? 'green' : 'red'}>{VISIT_CLASS_LABELS[r.lastClass as VisitClass][lang]}</Tag> : '—') },
          { title: zh ? '上次测量' : 'Last values', render: (_, r) => (r.programme === 'hypertension' ? (r.lastSbp ? `${r.lastSbp}/${r.lastDbp}` : '—') : r.lastGlucose ?? '—') },
          { title: zh ? '应随访日期' : 'Due', dataIndex: 'nextDue', sorter: (a, b) => (a.nextDue ?? '').localeCompare(b.nextDue ?? '') },
          { title: zh ? '状态' : 'Status', render: (_, r) => <Tag color={STATUS[r.status].color}>{STATUS[r.status][lang]}</Tag> },
        ]} />
    </Card>
  );
}
