// One task of the ledger: its units, targets, progress reports with attachments, the commission's
// reviews, edits, and the history of every change; the report form for its responsible units, and
// the cooperation note form for its cooperating units (a note moves neither percent nor status).
import { useEffect, useState } from 'react';
import { useParams } from 'react-router-dom';
import { Alert, App, Button, Card, Checkbox, Col, Descriptions, Form, Input, InputNumber, List, Result, Row, Select, Space, Switch, Tag, Timeline, Typography, Upload } from 'antd';
import type { UploadFile } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import type { ApiErrorBody } from '../../api/client';
import { useLang, useT, type MessageKey } from '../../i18n';
import { fileToBase64, fmtTime, StatusTag, TargetText, unitsIn } from './shared';
import { numberRule } from '../../components/numbers';
import { showError, useApiMutation, useApiQuery } from '../../api/hooks';

// "deadline: 2025-12-31 → 2025-06-30; lagging: false → true" from a history row's changes.
const show = (v: unknown) => (v === null || v === undefined || v === '' || (Array.isArray(v) && !v.length) ? '—' : Array.isArray(v) ? v.join('、') : String(v));
function describeChanges(c: Record<string, unknown>, t: ReturnType<typeof useT>): string {
  const val = (k: string, v: unknown) => (k === 'status' && typeof v === 'string' ? t(`ledger.status.${v}` as MessageKey) : show(v));
  return Object.entries(c).map(([k, v]) => (Array.isArray(v) && v.length === 2 && k !== 'attachments' && k !== 'newUnits' ? `${k}: ${val(k, v[0])} → ${val(k, v[1])}` : `${k}: ${show(v)}`)).join('; ');
}

/** The task page. */
export function LedgerTaskPage() {
  const { id } = useParams();
  const t = useT();
  const { lang } = useLang();
  const { message } = App.useApp();
  const [files, setFiles] = useState<UploadFile[]>([]);
  const [report] = Form.useForm();
  const [note] = Form.useForm();
  const [review] = Form.useForm();
  const [edit] = Form.useForm();
  // "Not found" (missing or not the caller's) is drawn as the page; any other failure is shown.
  const detail = useApiQuery('/api/ledger/tasks/{id}', { params: { path: { id: id! } } }, { meta: { ownError: true } });
  useEffect(() => {
    if (detail.error && (detail.error as Partial<ApiErrorBody>).error?.code !== 'record.not_found') showError(detail.error);
  }, [detail.error]);
  const d = detail.data ?? null;
  // The edit form shows the stored deadline and status of each version read (never while the user types).
  useEffect(() => { if (d) edit.setFieldsValue({ deadline: d.task.deadline ?? '', status: d.task.storedStatus }); }, [d?.task.id, d?.task.version]);
  const changed = ['/api/ledger/tasks/{id}' as const, '/api/ledger/tasks' as const, '/api/ledger/supervision' as const, '/api/ledger/reminders' as const];
  const reportMut = useApiMutation('post', '/api/ledger/tasks/{id}/reports', {
    invalidates: changed,
    onSuccess: (r) => { message.success(t('ledger.report.sent')); report.resetFields(); report.setFieldsValue({ percentDone: r.percentDone }); setFiles([]); },
  });
  const noteMut = useApiMutation('post', '/api/ledger/tasks/{id}/notes', {
    invalidates: changed,
    onSuccess: () => { message.success(t('ledger.note.sent')); note.resetFields(); setFiles([]); },
  });
  const reviewMut = useApiMutation('post', '/api/ledger/tasks/{id}/reviews', { invalidates: changed, onSuccess: () => review.resetFields() });
  const editMut = useApiMutation('patch', '/api/ledger/tasks/{id}', { invalidates: changed, onSuccess: () => { message.success(t('common.saved')); } });
  if (detail.isError) return <Result status="404" title={t('ledger.notFound')} />;
  if (!d) return <Card loading />;
  const task = d.task;

  const attachmentsOf = () => Promise.all(files.map(async (f) => ({ fileName: f.name, mediaType: f.type || 'application/octet-stream', contentBase64: await fileToBase64(f.originFileObj as File) })));
  const sendReport = async () => {
    const v = await report.validateFields();
    const attachments = await attachmentsOf().catch((err: unknown) => { showError(err); return null; });
    if (attachments) reportMut.mutate({ params: { path: { id: id! } }, body: { body: v.body, percentDone: v.percentDone, done: !!v.done, attachments } });
  };
  const sendNote = async () => {
    const v = await note.validateFields();
    const attachments = await attachmentsOf().catch((err: unknown) => { showError(err); return null; });
    if (attachments) noteMut.mutate({ params: { path: { id: id! } }, body: { body: v.body, attachments } });
  };
  const sendReview = async () => {
    const v = await review.validateFields();
    reviewMut.mutate({ params: { path: { id: id! } }, body: { comment: v.comment, lagging: !!v.lagging, reportId: d.reports[0]?.id } });
  };
  const saveEdit = () => {
    const v = edit.getFieldsValue();
    editMut.mutate({ params: { path: { id: id! } }, body: { version: task.version, deadline: v.deadline || null, status: v.status } });
  };

  return (
    <Row gutter={16}>
      <Col span={15}>
        <Card title={`${task.number}. ${task.title}`} extra={<StatusTag task={task} />} data-testid="task-card">
          <Descriptions size="small" column={1} items={[
            { key: 'p', label: t('ledger.plan'), children: task.planTitle },
            { key: 'r', label: t('ledger.col.responsible'), children: unitsIn(task, ['lead', 'responsible']) },
            { key: 'c', label: t('ledger.col.cooperating'), children: unitsIn(task, ['cooperating']) || '——' },
            { key: 'd', label: t('ledger.col.deadline'), children: task.deadline ?? t('ledger.noDeadline') },
            { key: 'pc', label: t('ledger.col.percent'), children: `${task.percentDone}%` },
            { key: 't', label: t('ledger.col.targets'), children: task.targets.length ? task.targets.map((x) => <TargetText key={x.id} target={x} />) : '——' },
          ]} />
          <Typography.Paragraph style={{ marginTop: 12, fontSize: 13 }}>{d.text}</Typography.Paragraph>
        </Card>
        <Card title={t('ledger.reports')} style={{ marginTop: 16 }}>
          <List dataSource={d.reports} locale={{ emptyText: t('ledger.report.none') }} data-testid="task-reports" renderItem={(r) => (
            <List.Item>
              <List.Item.Meta title={<>{r.cooperating && <Tag color="purple" data-testid="report-cooperating">{t('ledger.note.tag')}</Tag>}{[r.quarter, r.unitName, r.percentDone === null ? null : `${r.percentDone}%`, r.username, fmtTime(r.at, lang)].filter((x) => x !== null).join(' · ')}</>} description={
                <>
                  <div>{r.body}</div>
                  {r.attachments.map((a) => <div key={a.id}><a href={`/api/ledger/attachments/${a.id}`}>{a.fileName}</a> ({Math.ceil(a.size / 1024)} KB)</div>)}
                </>} />
            </List.Item>)} />
          {d.canReport && (
            <Form form={report} layout="vertical" initialValues={{ percentDone: task.percentDone }} data-testid="report-form">
              <Form.Item name="body" label={t('ledger.report.body')} rules={[{ required: true, whitespace: true }]}><Input.TextArea rows={3} data-testid="report-body" /></Form.Item>
              <Space>
                <Form.Item name="percentDone" label={t('ledger.col.percent')} rules={[{ required: true }, numberRule(t, t('ledger.col.percent'), { min: 0, max: 100, integer: true })]}><InputNumber addonAfter="%" data-testid="report-percent" /></Form.Item>
                <Form.Item name="done" valuePropName="checked" label=" "><Checkbox>{t('ledger.report.done')}</Checkbox></Form.Item>
              </Space>
              <Form.Item label={t('ledger.report.attachments')} extra={t('ledger.report.limits')}>
                <Upload multiple fileList={files} beforeUpload={() => false} onChange={(e) => setFiles(e.fileList)}><Button icon={<UploadOutlined />}>{t('ledger.report.attach')}</Button></Upload>
              </Form.Item>
              <Button type="primary" onClick={sendReport} loading={reportMut.isPending} data-testid="report-submit">{t('ledger.report.submit')}</Button>
            </Form>
          )}
          {d.canNote && (
            <Form form={note} layout="vertical" data-testid="note-form">
              <Alert type="info" showIcon style={{ marginBottom: 8 }} message={t('ledger.note.hint')} />
              <Form.Item name="body" label={t('ledger.note.body')} rules={[{ required: true, whitespace: true }]}><Input.TextArea rows={3} data-testid="note-body" /></Form.Item>
              <Form.Item label={t('ledger.report.attachments')} extra={t('ledger.report.limits')}>
                <Upload multiple fileList={files} beforeUpload={() => false} onChange={(e) => setFiles(e.fileList)}><Button icon={<UploadOutlined />}>{t('ledger.report.attach')}</Button></Upload>
              </Form.Item>
              <Button type="primary" onClick={sendNote} loading={noteMut.isPending} data-testid="note-submit">{t('ledger.note.submit')}</Button>
            </Form>
          )}
        </Card>
      </Col>
      <Col span={9}>
        {d.canReview && (
          <Card title={t('ledger.review')} data-testid="review-card">
            <Form form={review} layout="vertical">
              <Form.Item name="comment" label={t('ledger.review.comment')} rules={[{ required: true, whitespace: true }]}><Input.TextArea rows={2} /></Form.Item>
              <Form.Item name="lagging" valuePropName="checked" label={t('ledger.review.lagging')}><Switch /></Form.Item>
              <Button onClick={sendReview} loading={reviewMut.isPending}>{t('ledger.review.submit')}</Button>
            </Form>
            <Form form={edit} layout="inline" style={{ marginTop: 16 }}>
              <Form.Item name="deadline" label={t('ledger.col.deadline')}><Input type="date" data-testid="edit-deadline" /></Form.Item>
              <Form.Item name="status"><Select style={{ width: 110 }} options={(['not_started', 'in_progress', 'done'] as const).map((s) => ({ value: s, label: t(`ledger.status.${s}` as MessageKey) }))} /></Form.Item>
              <Button onClick={saveEdit} loading={editMut.isPending} data-testid="edit-save">{t('common.save')}</Button>
            </Form>
          </Card>
        )}
        <Card title={t('ledger.reviews')} style={{ marginTop: d.canReview ? 16 : 0 }}>
          <List size="small" dataSource={d.reviews} locale={{ emptyText: '——' }} renderItem={(r) => (
            <List.Item>{r.lagging ? `【${t('ledger.lagging')}】` : ''}{r.comment} — {r.username} {fmtTime(r.at, lang, true)}</List.Item>)} />
        </Card>
        <Card title={t('ledger.history')} style={{ marginTop: 16 }}>
          <Timeline data-testid="task-history" items={d.history.map((h) => ({ key: h.id, children: (
            <span style={{ fontSize: 12 }}>{fmtTime(h.at, lang)} {h.username} · {t(`ledger.action.${h.action}` as MessageKey)} <Typography.Text type="secondary">{describeChanges(h.changes, t)}</Typography.Text></span>) }))} />
        </Card>
      </Col>
    </Row>
  );
}
