import { useState } from 'react';
import { Alert, Button, Col, Drawer, Form, Input, InputNumber, Row, Select, Space } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { api, errorText, type ApiErrorBody } from '../../api/client';
import { useLang } from '../../i18n';
import { useSession } from '../../session';
import { ENCOUNTER_KIND_LABELS } from './labels';

/** Records an encounter at the user's facility: diagnoses (ICD-10), vitals and labs, prescriptions. */
export function EncounterForm({ residentId, open, onClose, onSaved }: { residentId: string; open: boolean; onClose: () => void; onSaved: () => void }) {
  const { lang } = useLang();
  const zh = lang === 'zh';
  const { user } = useSession();
  const [form] = Form.useForm();
  const [icd, setIcd] = useState<{ value: string; label: string }[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const searchIcd = async (q: string) => {
    if (!q.trim()) return;
    const r = await api.GET('/api/icd10', { params: { query: { q } } });
    setIcd((r.data?.items ?? []).map((x) => ({ value: x.code, label: `${x.code} ${zh ? x.nameZh : x.nameEn}` })));
  };
  const save = async () => {
    const v = await form.validateFields();
    const obs: { code: string; value: number; unit: string }[] = [];
    if (v.sbp != null) obs.push({ code: '8480-6', value: v.sbp, unit: 'mm[Hg]' });
    if (v.dbp != null) obs.push({ code: '8462-4', value: v.dbp, unit: 'mm[Hg]' });
    if (v.heartRate != null) obs.push({ code: '8867-4', value: v.heartRate, unit: '/min' });
    if (v.temperature != null) obs.push({ code: '8310-5', value: v.temperature, unit: 'Cel' });
    if (v.glucose != null) obs.push({ code: '1558-6', value: v.glucose, unit: v.glucoseUnit ?? 'mmol/L' });
    if (v.weight != null) obs.push({ code: '29463-7', value: v.weight, unit: 'kg' });
    setBusy(true);
    const r = await api.POST('/api/records/encounters', { body: {
      residentId, kind: v.kind, facilityCode: user!.scope.facilityCode!, department: v.department || null, startedAt: new Date().toISOString(), reason: v.reason || null,
      diagnoses: (v.diagnoses ?? []).map((code: string) => ({ icd10: code })), observations: obs,
      prescriptions: (v.prescriptions ?? []).filter((p: { drugName?: string }) => p?.drugName).map((p: { drugName: string; dose?: string; frequency?: string; days?: number }) => ({ drugName: p.drugName, dose: p.dose || null, frequency: p.frequency || null, days: p.days ?? null })),
    } });
    setBusy(false);
    if (r.error) {
      setError(errorText(r.error, lang));
      const map: Record<string, string> = { 'observations[0]': 'sbp' };
      form.setFields(((r.error as unknown as ApiErrorBody).error?.fields ?? []).filter((f) => map[f.path.split('.')[0]]).map((f) => ({ name: map[f.path.split('.')[0]], errors: [f.problem] })));
      return;
    }
    form.resetFields();
    setError(null);
    onSaved();
  };
  return (
    <Drawer open={open} onClose={onClose} width={640} title={zh ? '记录就诊' : 'Record an encounter'} extra={<Button type="primary" loading={busy} onClick={save} data-testid="save-encounter">{zh ? '保存' : 'Save'}</Button>}>
      {!user?.scope.facilityCode && <Alert type="warning" showIcon title={zh ? '您的账号未关联机构，不能记录就诊' : 'Your account has no facility'} />}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" initialValues={{ kind: 'outpatient', glucoseUnit: 'mmol/L', prescriptions: [] }}>
        <Row gutter={12}>
          <Col span={12}><Form.Item name="kind" label={zh ? '类型' : 'Kind'}><Select options={Object.entries(ENCOUNTER_KIND_LABELS).map(([value, l]) => ({ value, label: l[lang] }))} /></Form.Item></Col>
          <Col span={12}><Form.Item name="department" label={zh ? '科室' : 'Department'}><Input /></Form.Item></Col>
        </Row>
        <Form.Item name="reason" label={zh ? '主诉' : 'Complaint'}><Input /></Form.Item>
        <Form.Item name="diagnoses" label={zh ? '诊断（ICD-10）' : 'Diagnoses (ICD-10)'}><Select mode="multiple" showSearch filterOption={false} onSearch={searchIcd} options={icd} placeholder={zh ? '输入编码或名称' : 'Code or name'} /></Form.Item>
        <Row gutter={12}>
          <Col span={6}><Form.Item name="sbp" label={zh ? '收缩压' : 'SBP'}><InputNumber style={{ width: '100%' }} /></Form.Item></Col>
          <Col span={6}><Form.Item name="dbp" label={zh ? '舒张压' : 'DBP'}><InputNumber style={{ width: '100%' }} /></Form.Item></Col>
          <Col span={6}><Form.Item name="heartRate" label={zh ? '心率' : 'HR'}><InputNumber style={{ width: '100%' }} /></Form.Item></Col>
          <Col span={6}><Form.Item name="temperature" label={zh ? '体温 ℃' : 'Temp ℃'}><InputNumber style={{ width: '100%' }} step={0.1} /></Form.Item></Col>
          <Col span={8}><Form.Item name="glucose" label={zh ? '空腹血糖' : 'Fasting glucose'}><InputNumber style={{ width: '100%' }} step={0.1} /></Form.Item></Col>
          <Col span={8}><Form.Item name="glucoseUnit" label={zh ? '单位' : 'Unit'}><Select options={[{ value: 'mmol/L' }, { value: 'mg/dL' }]} /></Form.Item></Col>
          <Col span={8}><Form.Item name="weight" label={zh ? '体重 kg' : 'Weight kg'}><InputNumber style={{ width: '100%' }} step={0.1} /></Form.Item></Col>
        </Row>
        <Form.List name="prescriptions">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="baseline" wrap>
                  <Form.Item name={[f.name, 'drugName']} rules={[{ required: true }]}><Input placeholder={zh ? '药品通用名' : 'Generic name'} /></Form.Item>
                  <Form.Item name={[f.name, 'dose']}><Input placeholder={zh ? '剂量' : 'Dose'} style={{ width: 90 }} /></Form.Item>
                  <Form.Item name={[f.name, 'frequency']}><Input placeholder={zh ? '频次' : 'Frequency'} style={{ width: 90 }} /></Form.Item>
                  <Form.Item name={[f.name, 'days']}><InputNumber placeholder={zh ? '天数' : 'Days'} min={1} max={365} /></Form.Item>
                  <MinusCircleOutlined onClick={() => remove(f.name)} />
                </Space>
              ))}
              <Button type="dashed" onClick={() => add()} icon={<PlusOutlined />}>{zh ? '添加处方' : 'Add prescription'}</Button>
            </>
          )}
        </Form.List>
      </Form>
    </Drawer>
  );
}
