// The printable 双向转诊单: the referral as the paper form the patient carries and the receiving facility files — the
// 转出单 (up, lateral, out) or the 回转单 (down), with its stub (存根) kept by the sending facility, on one A4 page.
// The fields are those of the two-way referral forms the community health service rules attach (patient, the two
// facilities and department, the reason, the preliminary impression and the history and treatment so far; for a
// down-referral the diagnosis, the results and the plan of treatment and rehabilitation), each read from the
// referral; the signature, seal and telephone are left to be written by hand. Printed from the browser (打印, or
// Ctrl+P → Save as PDF): the page hides the app's frame when printed.
import { useParams } from 'react-router-dom';
import { Alert, Button, Card, Space } from 'antd';
import { PrinterOutlined } from '@ant-design/icons';
import { errorText } from '../../api/client';
import { useLang, useT } from '../../i18n';
import { useApiQuery } from '../../api/hooks';
import { REASONS } from '../../../modules/referrals/rules';
import { dayOf, documentDate } from '../../../shared/time';
import { URGENCY_LABELS } from './labels';
import { slotLabel } from '../scheduling/slot-picker';

/** The ideographic space that separates fields on a Chinese form. */
const GAP = '\u3000';

const PRINT_CSS = `
@page { size: A4; margin: 14mm 16mm; }
.referral-form { max-width: 178mm; margin: 0 auto; font-size: 10.5pt; line-height: 1.55; color: #000; }
.referral-form h1 { font-size: 16pt; text-align: center; margin: 0 0 2mm; letter-spacing: 0.1em; }
.referral-form .no { text-align: right; font-size: 9pt; margin-bottom: 2mm; }
.referral-form table { width: 100%; border-collapse: collapse; table-layout: fixed; }
.referral-form td { border: 1px solid #000; padding: 1.2mm 2mm; vertical-align: top; word-break: break-all; }
.referral-form td.k { width: 30mm; }
.referral-form .text { white-space: pre-wrap; min-height: 18mm; }
.referral-form .sign { display: flex; justify-content: space-between; margin-top: 3mm; }
.referral-form .cut { border-top: 1px dashed #000; margin: 5mm 0 4mm; text-align: center; font-size: 9pt; }
@media print {
  html, body, #root, .ant-layout { min-height: 0 !important; height: auto !important; }
  .ant-layout-sider, .ant-layout-header, .no-print { display: none !important; }
  .ant-layout, .ant-layout-content, .ant-card, .ant-card-body { background: #fff !important; padding: 0 !important; margin: 0 !important; border: 0 !important; box-shadow: none !important; }
}`;

/** The printable form of one referral. */
export function ReferralPrintPage() {
  const t = useT();
  const { lang } = useLang();
  const { id } = useParams();
  const q = useApiQuery('/api/referrals/{id}', { params: { path: { id: id! } } }, { meta: { ownError: true } });
  if (q.error) return <Alert type="error" message={errorText(q.error, lang)} />;
  const d = q.data;
  if (!d) return <Card loading />;
  const down = d.direction === 'down';
  const text = (d.summary as { text?: string } | null)?.text ?? '';
  const sent = d.sentAt ?? d.events.find((e) => e.status === 'sent')?.at ?? null;
  const day = (iso: string | null) => (iso ? documentDate(dayOf(iso)) : t('referrals.print.notSent'));
  const number = d.id.slice(0, 8).toUpperCase();
  const title = t(down ? 'referrals.print.titleDown' : 'referrals.print.titleUp');
  const reason = `${REASONS[d.reasonCode]?.[lang] ?? d.reasonCode}${d.reasonText ? `：${d.reasonText}` : ''}`;
  const patient = [d.residentName, t(d.sex === 'F' ? 'referrals.print.female' : 'referrals.print.male'), t('referrals.print.age', { n: d.age })].join(GAP);
  const place = d.booking ? `${slotLabel(d.booking.startsAt, lang)} · ${d.booking.schedule}` : d.bed ? `${d.bed.ward} ${d.bed.code}` : '—';
  const stub = (
    <table data-testid="print-stub">
      <tbody>
        <tr><td className="k">{t('referrals.print.patient')}</td><td>{patient}</td><td className="k">{t('referrals.print.number')}</td><td>{number}</td></tr>
        <tr><td className="k">{t('referrals.print.to')}</td><td colSpan={3}>{d.toFacility.name}{d.toDepartment ? ` ${d.toDepartment}` : ''}</td></tr>
        <tr><td className="k">{t('referrals.print.reason')}</td><td colSpan={3}>{reason}</td></tr>
        <tr><td className="k">{t('referrals.print.date')}</td><td>{day(sent)}</td><td className="k">{t('referrals.print.doctor')}</td><td />
        </tr>
      </tbody>
    </table>
  );
  return (
    <>
      <style>{PRINT_CSS}</style>
      <Space className="no-print" style={{ marginBottom: 12 }}>
        <Button type="primary" icon={<PrinterOutlined />} onClick={() => window.print()} data-testid="print-button">{t('referrals.print.print')}</Button>
        <span>{t('referrals.print.hint')}</span>
      </Space>
      <div className="referral-form" data-testid="referral-form">
        <h1>{t('referrals.print.stub', { title })}</h1>
        <div className="no">{t('referrals.print.number')}：{number}</div>
        {stub}
        <div className="cut">{t('referrals.print.cut')}</div>
        <h1 data-testid="print-title">{title}</h1>
        <div className="no">{t('referrals.print.number')}：{number}{GAP}{URGENCY_LABELS[d.urgency][lang]}</div>
        <p>
          {t('referrals.print.salutation', { to: d.toFacility.name })}
          <br />
          {t(down ? 'referrals.print.bodyDown' : 'referrals.print.bodyUp', { patient, from: d.fromFacility.name, dept: d.toDepartment ?? t('referrals.print.anyDept') })}
        </p>
        <table>
          <tbody>
            <tr><td className="k">{t('referrals.print.patient')}</td><td colSpan={3} data-testid="print-patient">{patient}</td></tr>
            <tr><td className="k">{t('referrals.print.from')}</td><td>{d.fromFacility.name}</td><td className="k">{t('referrals.print.to')}</td><td>{d.toFacility.name}{d.toDepartment ? ` ${d.toDepartment}` : ''}</td></tr>
            <tr><td className="k">{t('referrals.print.reason')}</td><td colSpan={3}>{reason}</td></tr>
            <tr><td className="k">{t(down ? 'referrals.print.course' : 'referrals.print.history')}</td><td colSpan={3}><div className="text" data-testid="print-summary">{text || '—'}</div></td></tr>
            {down && <tr><td className="k">{t('referrals.print.outcome')}</td><td colSpan={3}>{d.outcome ?? '—'}</td></tr>}
            {down && <tr><td className="k">{t('referrals.print.plan')}</td><td colSpan={3} data-testid="print-plan">{d.followUpPlan ? `${d.followUpPlan}（${t('referrals.withinDays', { n: d.followUpDays ?? 0 })}）` : '—'}</td></tr>}
            <tr><td className="k">{t('referrals.print.appointment')}</td><td colSpan={3}>{place}</td></tr>
          </tbody>
        </table>
        <div className="sign">
          <span>{t('referrals.print.doctor')}：＿＿＿＿＿＿</span>
          <span>{t('referrals.print.phone')}：＿＿＿＿＿＿</span>
          <span>{t('referrals.print.seal')}</span>
        </div>
        <div className="sign"><span>{d.fromFacility.name}</span><span data-testid="print-date">{day(sent)}</span></div>
      </div>
    </>
  );
}
