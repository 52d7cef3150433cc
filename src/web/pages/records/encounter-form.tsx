import { useState } from 'react';
import { Alert, Button, Col, Drawer, Form, Input, InputNumber, Row, Select, Space } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { errorText, type ApiErrorBody } from '../../api/client';
import { useApiMutation, useApiQuery } from '../../api/hooks';
import { useLang, useT } from '../../i18n';
import { useSession } from '../../session';
import { ENCOUNTER_KIND_LABELS } from './labels';
import { numberRule } from '../../components/numbers';

/** Records an encounter at the user's facility: diagnoses (ICD-10), vitals and labs, prescriptions. */
export function EncounterForm({ residentId, open, onClose, onSaved }: { residentId: string; open: boolean; onClose: () => void; onSaved: () => void }) {
  const { lang } = useLang();
  const t = useT();
  const { user } = useSession();
  const [form] = Form.useForm();
  const [icdQuery, setIcdQuery] = useState('');
  const icdFound = useApiQuery('/api/icd10', { params: { query: { q: icdQuery } } }, { enabled: icdQuery.trim() !== '' }).data?.items ?? [];
  const icd = icdFound.map((x) => ({ value: x.code, label: `${x.code} ${lang === 'zh' ? x.nameZh : x.nameEn}` }));
  const [error, setError] = useState<string | null>(null);
  // The drawer shows a refusal itself: above the form, and a reading's problem beside its field.
  const saveMut = useApiMutation('post', '/api/records/encounters', {
    invalidates: ['/api/records/{residentId}/summary', '/api/records/{residentId}/timeline', '/api/records/{residentId}/trends', '/api/chronic/worklist'],
    meta: { ownError: true },
    onError: (err) => {
      setError(errorText(err, lang));
      const map: Record<string, string> = { 'observations[0]': 'sbp' };
      form.setFields(((err as Partial<ApiErrorBody>).error?.fields ?? []).filter((f) => map[f.path.split('.')[0]]).map((f) => ({ name: map[f.path.split('.')[0]], errors: [f.problem] })));
    },
    onSuccess: () => { form.resetFields(); setError(null); onSaved(); },
  });
  const searchIcd = (q: string) => { if (q.trim()) setIcdQuery(q); };
  const save = async () => {
    const v = await form.validateFields();
    const obs: { code: string; value: number; unit: string }[] = [];
    if (v.sbp != null) obs.push({ code: '8480-6', value: v.sbp, unit: 'mm[Hg]' });
    if (v.dbp != null) obs.push({ code: '8462-4', value: v.dbp, unit: 'mm[Hg]' });
    if (v.heartRate != null) obs.push({ code: '8867-4', value: v.heartRate, unit: '/min' });
    if (v.temperature != null) obs.push({ code: '8310-5', value: v.temperature, unit: 'Cel' });
    if (v.glucose != null) obs.push({ code: '1558-6', value: v.glucose, unit: v.glucoseUnit ?? 'mmol/L' });
    if (v.weight != null) obs.push({ code: '29463-7', value: v.weight, unit: 'kg' });
    saveMut.mutate({ body: {
      residentId, kind: v.kind, facilityCode: user!.scope.facilityCode!, department: v.department || null, startedAt: new Date().toISOString(), reason: v.reason || null,
      diagnoses: (v.diagnoses ?? []).map((code: string) => ({ icd10: code })), observations: obs,
      prescriptions: (v.prescriptions ?? []).filter((p: { drugName?: string }) => p?.drugName).map((p: { drugName: string; dose?: string; frequency?: string; days?: number }) => ({ drugName: p.drugName, dose: p.dose || null, frequency: p.frequency || null, days: p.days ?? null })),
    } });
  };
  return (
    <Drawer open={open} onClose={onClose} width={640} title={t('records.enc.title')} extra={<Button type="primary" loading={saveMut.isPending} onClick={save} data-testid="save-encounter">{t('records.enc.save')}</Button>}>
      {!user?.scope.facilityCode && <Alert type="warning" showIcon title={t('records.enc.noFacility')} />}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ kind: 'outpatient', glucoseUnit: 'mmol/L', prescriptions: [] }}>
        <Row gutter={12}>
          <Col span={12}><Form.Item name="kind" label={t('records.enc.kind')}><Select options={Object.entries(ENCOUNTER_KIND_LABELS).map(([value, l]) => ({ value, label: l[lang] }))} /></Form.Item></Col>
          <Col span={12}><Form.Item name="department" label={t('records.enc.department')}><Input /></Form.Item></Col>
        </Row>
        <Form.Item name="reason" label={t('records.enc.reason')}><Input /></Form.Item>
        <Form.Item name="diagnoses" label={t('records.enc.diagnoses')}><Select mode="multiple" showSearch filterOption={false} onSearch={searchIcd} options={icd} placeholder={t('records.enc.icdPlaceholder')} /></Form.Item>
        <Row gutter={12}>
          <Col span={6}><Form.Item name="sbp" label={t('records.enc.sbp')}><InputNumber style={{ width: '100%' }} /></Form.Item></Col>
          <Col span={6}><Form.Item name="dbp" label={t('records.enc.dbp')}><InputNumber style={{ width: '100%' }} /></Form.Item></Col>
          <Col span={6}><Form.Item name="heartRate" label={t('records.enc.heartRate')}><InputNumber style={{ width: '100%' }} /></Form.Item></Col>
          <Col span={6}><Form.Item name="temperature" label={t('records.enc.temperature')}><InputNumber style={{ width: '100%' }} /></Form.Item></Col>
          <Col span={8}><Form.Item name="glucose" label={t('records.enc.glucose')}><InputNumber style={{ width: '100%' }} /></Form.Item></Col>
          <Col span={8}><Form.Item name="glucoseUnit" label={t('records.enc.unit')}><Select options={[{ value: 'mmol/L' }, { value: 'mg/dL' }]} /></Form.Item></Col>
          <Col span={8}><Form.Item name="weight" label={t('records.enc.weight')}><InputNumber style={{ width: '100%' }} /></Form.Item></Col>
        </Row>
        <Form.List name="prescriptions">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="baseline" wrap>
                  <Form.Item name={[f.name, 'drugName']} rules={[{ required: true }]}><Input placeholder={t('records.enc.drugName')} /></Form.Item>
                  <Form.Item name={[f.name, 'dose']}><Input placeholder={t('records.enc.dose')} style={{ width: 90 }} /></Form.Item>
                  <Form.Item name={[f.name, 'frequency']}><Input placeholder={t('records.enc.frequency')} style={{ width: 90 }} /></Form.Item>
                  <Form.Item name={[f.name, 'days']} rules={[numberRule(t, t('records.enc.days'), { min: 1, max: 365, integer: true })]}><InputNumber placeholder={t('records.enc.days')} /></Form.Item>
                  <MinusCircleOutlined onClick={() => remove(f.name)} />
                </Space>
              ))}
              <Button type="dashed" onClick={() => add()} icon={<PlusOutlined />}>{t('records.enc.addPrescription')}</Button>
            </>
          )}
        </Form.List>
      </Form>
    </Drawer>
  );
}
