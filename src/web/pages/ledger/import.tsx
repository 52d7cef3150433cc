// Importing a plan: upload (.txt/.md/.docx) → a preview to correct (merge, split, re-assign a unit,
// fix a target, add one the reader missed, set its catalogue indicator) → save the plan, its tasks,
// units and targets.
import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Alert, App, Button, Card, Input, InputNumber, Modal, Select, Space, Table, Tag, Typography, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { useLang, useT } from '../../i18n';
import { useSession } from '../../session';
import { addTarget, assignUnits, blankTarget, fixTarget, mergeTasks, splitTask } from '../../../modules/ledger/rules';
import { fileToBase64 } from './shared';
import { NumberProblem, numberProblem } from '../../components/numbers';
import { showError, useApiMutation, useApiQuery, type ApiData, type ApiItem } from '../../api/hooks';

type Parsed = ApiData<'/api/plans/parse', 'post'>;
type Plan = Parsed['plan'];
type PTask = Plan['tasks'][number];
type PTarget = Plan['targets'][number];
type Indicator = ApiItem<'/api/indicators/catalogue'>;

/** The upload page and the preview to correct before saving. */
export function PlanImportPage() {
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const nav = useNavigate();
  const { user } = useSession();
  const [fileName, setFileName] = useState('');
  const [plan, setPlan] = useState<Plan | null>(null);
  const [units, setUnits] = useState<Parsed['units']>([]);
  const [sections, setSections] = useState<Parsed['sections']>([]);
  const [region, setRegion] = useState(user?.scope.regionCode ?? '');
  const [reading, setReading] = useState(false);
  const [split, setSplit] = useState<{ i: number; at: number; title: string } | null>(null);
  const indicators: Indicator[] = useApiQuery('/api/indicators/catalogue').data?.items ?? [];

  const parseMut = useApiMutation('post', '/api/plans/parse');
  const read = async (file: File) => {
    setReading(true);
    try {
      const contentBase64 = await fileToBase64(file);
      parseMut.mutate({ body: { fileName: file.name, contentBase64, regionCode: region || undefined } }, {
        onSuccess: (r) => { setFileName(file.name); setPlan(r.plan); setUnits(r.units); setSections(r.sections); },
      });
    } catch (err) {
      showError(err);
    } finally {
      setReading(false);
    }
  };
  const saveMut = useApiMutation('post', '/api/plans', {
    invalidates: ['/api/ledger/plans', '/api/ledger/tasks', '/api/ledger/supervision', '/api/indicators/dashboard'],
    onSuccess: (r) => { message.success(t('ledger.import.saved', { tasks: r.tasks, targets: r.targets })); nav(`/ledger?planId=${r.id}`); },
  });
  const save = () => {
    if (!plan) return;
    saveMut.mutate({ body: { regionCode: region, sourceName: fileName, plan, sections } });
  };
  const busy = reading || parseMut.isPending || saveMut.isPending;
  const splitProblem = split && plan ? numberProblem(t, t('ledger.import.splitAt'), split.at, { min: 1, max: plan.tasks[split.i].text.length - 1, integer: true }) : null;
  const setTask = (i: number, patch: Partial<PTask>) => plan && setPlan({ ...plan, tasks: plan.tasks.map((x, k) => (k === i ? { ...x, ...patch } : x)) });
  const unitOptions = [...new Set(plan?.tasks.flatMap((x) => [...x.responsibleUnits, ...x.cooperatingUnits]) ?? [])].map((u) => ({ value: u, label: u }));
  const known = (u: string) => units.find((x) => x.printed === u)?.unitName;
  const taskKey = (p: string[] | null) => (p ? p.join('/') : '');
  const indicatorOptions = indicators.map((x) => ({ value: x.code, label: `${x.name[lang]} (${x.code})` }));
  const taskOptions = [{ value: '', label: t('ledger.import.general') }, ...(plan?.tasks ?? []).map((x) => ({ value: x.path.join('/'), label: `${x.path.join(' / ')} ${x.title}` }))];
  const pathOf = (key: string) => plan?.tasks.find((x) => x.path.join('/') === key)?.path ?? null;

  return (
    <Card title={t('ledger.import.title')}>
      <Space wrap style={{ marginBottom: 16 }}>
        <span>{t('ledger.import.region')}</span>
        <Input style={{ width: 140 }} value={region} onChange={(e) => setRegion(e.target.value.trim())} data-testid="import-region" />
        <Upload accept=".txt,.md,.docx" showUploadList={false} beforeUpload={(f) => { void read(f); return false; }}>
          <Button icon={<UploadOutlined />} loading={busy} data-testid="import-upload">{t('ledger.import.choose')}</Button>
        </Upload>
        <Typography.Text type="secondary">{t('ledger.import.hint')}</Typography.Text>
      </Space>
      {plan && (
        <>
          <Alert type="info" showIcon style={{ marginBottom: 12 }} message={t('ledger.import.read', { tasks: plan.tasks.length, targets: plan.targets.length })}
            description={t('ledger.import.correct')} />
          <Space direction="vertical" style={{ width: '100%' }}>
            <Space wrap>
              <span>{t('ledger.import.planTitle')}</span>
              <Input style={{ width: 420 }} value={plan.title} onChange={(e) => setPlan({ ...plan, title: e.target.value })} data-testid="import-plan-title" />
              <span>{plan.issuer ?? ''} {plan.docNumber ?? ''} {plan.date ?? ''}</span>
            </Space>
            <Table<PTask> rowKey={(r) => r.path.join('/')} size="small" pagination={false} dataSource={plan.tasks} data-testid="import-tasks" scroll={{ x: 1200 }} columns={[
              { title: t('ledger.col.number'), width: 90, render: (_, r) => <span>{r.path.join(' / ')}</span> },
              { title: t('ledger.col.title'), width: 260, render: (_, r, i) => <Input value={r.title} onChange={(e) => setTask(i, { title: e.target.value })} data-testid={`import-title-${i}`} /> },
              { title: t('ledger.col.responsible'), width: 300, render: (_, r, i) => (
                <Select mode="tags" style={{ width: '100%' }} value={r.responsibleUnits} options={unitOptions} data-testid={`import-responsible-${i}`}
                  onChange={(v: string[]) => setPlan(assignUnits(plan, i, 'responsible', v))}
                  tagRender={(p) => <Tag color={known(String(p.value)) ? 'green' : 'default'} closable={p.closable} onClose={p.onClose} title={known(String(p.value)) ?? t('ledger.import.newUnit')}>{p.label}</Tag>} />) },
              { title: t('ledger.col.cooperating'), width: 220, render: (_, r, i) => <Select mode="tags" style={{ width: '100%' }} value={r.cooperatingUnits} options={unitOptions} onChange={(v: string[]) => setPlan(assignUnits(plan, i, 'cooperating', v))} /> },
              { title: t('ledger.col.deadline'), width: 150, render: (_, r, i) => <Input type="date" value={r.deadline ?? ''} onChange={(e) => setTask(i, { deadline: e.target.value || null })} data-testid={`import-deadline-${i}`} /> },
              { title: t('ledger.col.targets'), width: 70, render: (_, r) => plan.targets.filter((x) => taskKey(x.taskPath) === r.path.join('/')).length },
              { title: '', width: 170, render: (_, r, i) => (
                <Space size={4}>
                  <Button size="small" disabled={i === plan.tasks.length - 1} onClick={() => setPlan(mergeTasks(plan, i, i + 1))}>{t('ledger.import.merge')}</Button>
                  <Button size="small" disabled={r.text.length < 2} onClick={() => setSplit({ i, at: Math.floor(r.text.length / 2), title: '' })}>{t('ledger.import.split')}</Button>
                </Space>) },
            ]} expandable={{ expandedRowRender: (r) => <Typography.Paragraph style={{ fontSize: 12 }}>{r.text}</Typography.Paragraph> }} />
            <Typography.Title level={5}>{t('ledger.col.targets')}</Typography.Title>
            <Table<PTarget> rowKey={(_, i) => String(i)} size="small" pagination={false} dataSource={plan.targets} data-testid="import-targets" columns={[
              { title: t('ledger.import.targetTask'), width: 160, render: (_, r, k) => <Select size="small" showSearch optionFilterProp="label" style={{ width: 150 }} value={taskKey(r.taskPath)} options={taskOptions} popupMatchSelectWidth={false}
                onChange={(v: string) => setPlan(fixTarget(plan, k, { taskPath: v ? pathOf(v) : null }))} data-testid={`import-target-task-${k}`} /> },
              { title: t('ledger.target.metric'), render: (_, r, k) => <Input value={r.metric ?? ''} onChange={(e) => setPlan(fixTarget(plan, k, { metric: e.target.value || null }))} data-testid={`import-target-metric-${k}`} /> },
              { title: t('ledger.target.comparator'), width: 100, render: (_, r, k) => <Select value={r.comparator} style={{ width: 90 }} onChange={(v) => setPlan(fixTarget(plan, k, { comparator: v, value: v === 'range' ? (Array.isArray(r.value) ? r.value : [r.value, r.value]) : (Array.isArray(r.value) ? r.value[0] : r.value) }))}
                options={['>=', '<=', '=', '>', '<', 'range'].map((c) => ({ value: c, label: c }))} /> },
              { title: t('ledger.target.value'), width: 170, render: (_, r, k) => (Array.isArray(r.value)
                ? <Space size={2}>{r.value.map((v, n) => <InputNumber key={n} size="small" style={{ width: 70 }} value={v} onChange={(x) => setPlan(fixTarget(plan, k, { value: (r.value as number[]).map((y, m) => (m === n ? Number(x ?? 0) : y)) }))} />)}</Space>
                : <InputNumber size="small" value={r.value} onChange={(x) => setPlan(fixTarget(plan, k, { value: Number(x ?? 0) }))} data-testid={`import-target-value-${k}`} />) },
              { title: t('ledger.target.unit'), width: 90, render: (_, r, k) => <Input size="small" value={r.unit} onChange={(e) => setPlan(fixTarget(plan, k, { unit: e.target.value }))} /> },
              { title: t('ledger.target.year'), width: 100, render: (_, r, k) => <InputNumber size="small" value={r.year} onChange={(x) => setPlan(fixTarget(plan, k, { year: x == null ? null : Number(x) }))} /> },
              { title: t('ledger.target.indicator'), width: 240, render: (_, r, k) => <Select size="small" allowClear showSearch optionFilterProp="label" style={{ width: 230 }} placeholder={t('ledger.import.indicatorPick')}
                value={r.indicator ?? undefined} options={indicatorOptions} popupMatchSelectWidth={false} onChange={(v?: string) => setPlan(fixTarget(plan, k, { indicator: v ?? null }))} data-testid={`import-target-indicator-${k}`} /> },
              { title: '', width: 60, render: (_, _r, k) => <Button size="small" danger onClick={() => setPlan({ ...plan, targets: plan.targets.filter((_x, n) => n !== k) })}>{t('ledger.import.remove')}</Button> },
            ]} />
            <Button onClick={() => setPlan(addTarget(plan, blankTarget(null)))} data-testid="import-add-target">{t('ledger.import.addTarget')}</Button>
            <Button type="primary" onClick={save} loading={busy} data-testid="import-save">{t('ledger.import.save')}</Button>
          </Space>
        </>
      )}
      <Modal open={!!split} title={t('ledger.import.split')} onCancel={() => setSplit(null)} okButtonProps={{ disabled: !!splitProblem }} onOk={() => { if (plan && split && !splitProblem) { setPlan(splitTask(plan, split.i, split.at, split.title)); setSplit(null); } }}>
        {split && plan && (
          <Space direction="vertical" style={{ width: '100%' }}>
            <span>{t('ledger.import.splitAt')}</span>
            <InputNumber value={split.at} onChange={(v) => setSplit({ ...split, at: Number(v ?? 1) })} status={splitProblem ? 'error' : undefined} />
            <NumberProblem problem={splitProblem} />
            <Typography.Paragraph style={{ fontSize: 12 }}><b>{plan.tasks[split.i].text.slice(0, split.at)}</b> | {plan.tasks[split.i].text.slice(split.at)}</Typography.Paragraph>
            <Input placeholder={t('ledger.import.splitTitle')} value={split.title} onChange={(e) => setSplit({ ...split, title: e.target.value })} />
          </Space>
        )}
      </Modal>
    </Card>
  );
}
