// The deductible-once calculator: a chain of inpatient stays, the resident's share under the county's
// configured parameters, with and without the in-community referral rule.
import { useEffect, useState } from 'react';
import { Alert, Button, Card, Checkbox, InputNumber, Select, Space, Table, Typography } from 'antd';
import { errorText } from '../../api/client';
import { useLang, useT } from '../../i18n';
import { yuan } from './labels';
import { NumberProblem, numberProblem } from '../../components/numbers';
import { useApiMutation, type ApiData } from '../../api/hooks';

type Out = ApiData<'/api/referrals/payment/estimate', 'post'>;
type Tier = 'village' | 'township' | 'county' | 'city';

/** The calculator page. */
export function PaymentCalculatorPage() {
  const t = useT();
  const { lang } = useLang();
  const [county, setCounty] = useState('371003');
  const [stays, setStays] = useState<{ tier: Tier; yuan: number }[]>([{ tier: 'township', yuan: 3000 }, { tier: 'county', yuan: 10000 }]);
  const [inCommunity, setInCommunity] = useState(true);
  const [out, setOut] = useState<Out | null>(null);
  const [err, setErr] = useState<string | null>(null);
  const tiers: Tier[] = ['village', 'township', 'county', 'city'];
  const tierLabel = (x: Tier) => t(`referrals.tier.${x}` as 'referrals.tier.county');
  // The reason a calculation failed is drawn under the form.
  const estimate = useApiMutation('post', '/api/referrals/payment/estimate', {
    meta: { ownError: true },
    onSuccess: (r) => { setOut(r); setErr(null); },
    onError: (e) => setErr(errorText(e, lang)),
  });
  // A stay's amount as typed (never clamped); a negative or too large one is named and nothing is calculated.
  const problems = stays.map((s, i) => numberProblem(t, t('referrals.stay', { n: i + 1 }), s.yuan, { min: 0, max: 100_000_000, decimals: 2 }));
  const run = () => problems.some(Boolean) ? undefined : estimate.mutate({ body: { county, inCommunityReferral: inCommunity, stays: stays.map((s) => ({ tier: s.tier, totalFen: Math.round(s.yuan * 100) })) } });
  useEffect(() => { void run(); }, []);
  return (
    <Card title={t('referrals.payment')}>
      <Space direction="vertical" style={{ width: '100%' }}>
        <Space>{t('referrals.county')}<Select value={county} onChange={setCounty} options={[{ value: '371003', label: '文登区 371003' }]} style={{ width: 200 }} />
          <Checkbox checked={inCommunity} onChange={(e) => setInCommunity(e.target.checked)}>{t('referrals.inCommunity')}</Checkbox></Space>
        {stays.map((s, i) => (
          <Space key={i}>
            {t('referrals.stay', { n: i + 1 })}
            <Select value={s.tier} style={{ width: 140 }} onChange={(v) => setStays(stays.map((x, k) => (k === i ? { ...x, tier: v } : x)))} options={tiers.map((x) => ({ value: x, label: tierLabel(x) }))} />
            <InputNumber value={s.yuan} addonAfter={t('referrals.yuan')} status={problems[i] ? 'error' : undefined} onChange={(v) => setStays(stays.map((x, k) => (k === i ? { ...x, yuan: Number(v ?? 0) } : x)))} />
            <NumberProblem problem={problems[i]} />
            {stays.length > 1 && <Button onClick={() => setStays(stays.filter((_, k) => k !== i))}>{t('referrals.remove')}</Button>}
          </Space>
        ))}
        <Space><Button onClick={() => setStays([...stays, { tier: 'township', yuan: 2000 }])}>{t('referrals.addStay')}</Button><Button type="primary" onClick={run} loading={estimate.isPending} data-testid="calculate">{t('referrals.calculate')}</Button></Space>
        {err && <Alert type="error" message={err} />}
        {out && (
          <>
            <Table size="small" rowKey={(_, i) => String(i)} pagination={false} dataSource={out.applied.stays.map((a, i) => ({ a, s: out.separate.stays[i] }))} columns={[
              { title: t('referrals.tierCol'), render: (_, r) => tierLabel(r.a.tier) },
              { title: t('referrals.total'), render: (_, r) => yuan(r.a.totalFen) },
              { title: t('referrals.deductible'), render: (_, r) => yuan(r.a.deductibleFen) },
              { title: t('referrals.fund'), render: (_, r) => yuan(r.a.fundFen) },
              { title: t('referrals.residentShare'), render: (_, r) => yuan(r.a.residentFen) },
              { title: t('referrals.withoutRule'), render: (_, r) => yuan(r.s.residentFen) },
            ]} />
            <Typography.Title level={5} data-testid="payment-result">{t('referrals.paymentResult', { share: yuan(out.applied.residentFen), saved: yuan(out.savedFen) })}</Typography.Title>
            <Typography.Text type="secondary">{t('referrals.paymentParams', { list: tiers.filter((x) => out.parameters[x]).map((x) => `${tierLabel(x)} ${yuan(out.parameters[x].deductibleFen)}/${out.parameters[x].reimburseBp / 100}%`).join('；') })}</Typography.Text>
          </>
        )}
      </Space>
    </Card>
  );
}
