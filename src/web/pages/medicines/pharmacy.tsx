// The shared pharmacy: a facility's stock by lot with expiry warnings, receiving and transfers, and the
// missing-drug registrations (filled and shipped by the county pharmacy, handed over by the clinic).
import { useState } from 'react';
import { Button, Card, DatePicker, Input, InputNumber, Select, Space, Table, Tag } from 'antd';
import dayjs from 'dayjs';
import { useApiMutation, useApiQuery, type ApiItem } from '../../api/hooks';
import { useT } from '../../i18n';
import { minuteOf } from '../../../shared/time';
import { useSession } from '../../session';

type Lot = ApiItem<'/api/medicines/stock'>;
type Shortage = ApiItem<'/api/medicines/shortages'>;
const EXPIRY_COLOR = { expired: 'red', expiring: 'orange', ok: 'green' } as const;
const STEPS: Record<Shortage['status'], ('fill' | 'ship' | 'deliver' | 'cancel')[]> = { registered: ['fill', 'cancel'], filled: ['ship'], in_transit: ['deliver'], delivered: [], cancelled: [] };

export function PharmacyPage() {
  const t = useT();
  const { user } = useSession();
  const pharmacist = user?.role === 'pharmacist';
  const [facilityCode, setFacility] = useState('');
  const stock = useApiQuery('/api/medicines/stock', { params: { query: { facilityCode: facilityCode || undefined } } }, { enabled: !pharmacist || !!facilityCode });
  const cat = useApiQuery('/api/medicines/catalogue').data?.items ?? [];
  const shortages = useApiQuery('/api/medicines/shortages');
  const inv: ('/api/medicines/stock' | '/api/medicines/shortages')[] = ['/api/medicines/stock', '/api/medicines/shortages'];
  const receive = useApiMutation('post', '/api/medicines/stock/receive', { invalidates: inv });
  const transfer = useApiMutation('post', '/api/medicines/stock/transfer', { invalidates: inv });
  const step = useApiMutation('post', '/api/medicines/shortages/{id}/{step}', { invalidates: inv });
  const [rcv, setRcv] = useState<{ medicineCode?: string; lot?: string; expiresOn?: string; quantity?: number }>({});
  const [moves, setMoves] = useState<Record<string, { to?: string; quantity?: number }>>({});
  const [fillLot, setFillLot] = useState<Record<string, string>>({});
  const lots = stock.data?.items ?? [];
  return (
    <Space direction="vertical" style={{ width: '100%' }}>
      <Card title={`${t('medicines.ph.stock')}${stock.data ? ` · ${stock.data.facility.name}` : ''}`}
        extra={pharmacist && <Input.Search placeholder={t('medicines.ph.facility')} onSearch={(v) => setFacility(v.trim())} style={{ width: 240 }} data-testid="ph-facility" />}>
        <Space wrap style={{ marginBottom: 12 }}>
          <Select showSearch optionFilterProp="label" style={{ width: 220 }} value={rcv.medicineCode} onChange={(v) => setRcv({ ...rcv, medicineCode: v })}
            options={cat.map((m) => ({ value: m.code, label: `${m.genericName} ${m.strength}` }))} />
          <Input placeholder={t('medicines.ph.lot')} style={{ width: 120 }} value={rcv.lot} onChange={(e) => setRcv({ ...rcv, lot: e.target.value })} />
          <DatePicker placeholder={t('medicines.ph.expiresOn')} value={rcv.expiresOn ? dayjs(rcv.expiresOn) : null} onChange={(d) => setRcv({ ...rcv, expiresOn: d?.format('YYYY-MM-DD') })} />
          <InputNumber placeholder={t('medicines.rx.quantity')} value={rcv.quantity} onChange={(v) => setRcv({ ...rcv, quantity: v ?? undefined })} />
          <Button disabled={!rcv.medicineCode || !rcv.lot || !rcv.expiresOn || !rcv.quantity} loading={receive.isPending}
            onClick={() => receive.mutate({ body: { facilityCode: facilityCode || undefined, medicineCode: rcv.medicineCode!, lot: rcv.lot!, expiresOn: rcv.expiresOn!, quantity: rcv.quantity! } }, { onSuccess: () => setRcv({}) })}>{t('medicines.ph.receive')}</Button>
        </Space>
        <Table<Lot> rowKey="lotId" size="small" dataSource={lots} loading={stock.isFetching} pagination={false}
          columns={[
            { title: t('medicines.col.name'), render: (_, r) => `${r.genericName} ${r.strength}` },
            { title: t('medicines.ph.lot'), dataIndex: 'lot' },
            { title: t('medicines.ph.expiresOn'), render: (_, r) => <Space>{r.expiresOn}<Tag color={EXPIRY_COLOR[r.expiry]}>{t(`medicines.ph.expiry.${r.expiry}`)}</Tag></Space> },
            { title: t('medicines.rx.quantity'), dataIndex: 'quantity' },
            { title: t('medicines.ph.transfer'), render: (_, r) => (
              <Space>
                <Input size="small" style={{ width: 100 }} placeholder={t('medicines.ph.to')} value={moves[r.lotId]?.to} onChange={(e) => setMoves({ ...moves, [r.lotId]: { ...moves[r.lotId], to: e.target.value.trim() } })} />
                <InputNumber size="small" style={{ width: 70 }} value={moves[r.lotId]?.quantity} onChange={(v) => setMoves({ ...moves, [r.lotId]: { ...moves[r.lotId], quantity: v ?? undefined } })} />
                <Button size="small" disabled={!moves[r.lotId]?.to || !moves[r.lotId]?.quantity} loading={transfer.isPending}
                  onClick={() => transfer.mutate({ body: { lotId: r.lotId, toFacilityCode: moves[r.lotId]!.to!, quantity: moves[r.lotId]!.quantity! } })}>{t('medicines.ph.transfer')}</Button>
              </Space>) },
          ]} />
      </Card>
      <Card title={t('medicines.ph.shortages')}>
        <Table<Shortage> rowKey="id" size="small" dataSource={shortages.data?.items ?? []} loading={shortages.isPending} pagination={false}
          columns={[
            { title: t('medicines.list.created'), render: (_, r) => minuteOf(r.registeredAt).slice(5) },
            { title: t('medicines.list.resident'), dataIndex: 'residentName' },
            { title: t('medicines.list.facility'), render: (_, r) => r.facility.name },
            { title: t('medicines.col.name'), render: (_, r) => `${r.genericName} ${r.strength} × ${r.quantity}` },
            { title: t('medicines.list.note'), dataIndex: 'note' },
            { title: t('medicines.list.status'), render: (_, r) => <Tag data-testid={`shortage-status-${r.id}`}>{t(`medicines.ph.status.${r.status}`)}</Tag> },
            { title: '', render: (_, r) => (
              <Space>
                {STEPS[r.status].filter((s) => ((s === 'fill' || s === 'ship') === pharmacist)).map((s) => (
                  <Space key={s}>
                    {s === 'fill' && <Select size="small" style={{ width: 160 }} data-testid={`shortage-lot-${r.id}`} placeholder={t('medicines.ph.fillFrom')} value={fillLot[r.id]} onChange={(v) => setFillLot({ ...fillLot, [r.id]: v })}
                      options={lots.filter((l) => l.medicineCode === r.medicineCode && l.expiry !== 'expired').map((l) => ({ value: l.lotId, label: `${l.lot}（${l.quantity}）` }))} />}
                    <Button size="small" type={s === 'cancel' ? 'default' : 'primary'} loading={step.isPending} disabled={s === 'fill' && !fillLot[r.id]} data-testid={`shortage-${s}-${r.id}`}
                      onClick={() => step.mutate({ params: { path: { id: r.id, step: s } }, body: { lotId: s === 'fill' ? fillLot[r.id] : undefined } })}>{t(`medicines.ph.step.${s}`)}</Button>
                  </Space>))}
              </Space>) },
          ]} />
      </Card>
    </Space>
  );
}
